package dev.jcri.sandbox.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecNamespacesTest {
    private static OciSpec.Namespace ns(String type, String path) {
        return new OciSpec.Namespace(type, path);
    }

    @Test
    void joinsPodNamespacesAndAlwaysOwnsItsMountNamespace() {
        var n = new SpecInput.Namespaces(Path.of("/p/net"), Path.of("/p/ipc"), Path.of("/p/uts"), Path.of("/proc/42/ns/pid"), true);
        assertEquals(List.of(ns("pid", "/proc/42/ns/pid"), ns("ipc", "/p/ipc"), ns("uts", "/p/uts"), ns("mount", null), ns("network", "/p/net")),
                SpecNamespaces.of(n, false, false));
    }

    @Test
    void privatePidWithoutPathIsANewOne() {
        var n = new SpecInput.Namespaces(null, null, null, null, true);
        assertEquals(List.of(ns("pid", null), ns("mount", null)), SpecNamespaces.of(n, false, false));
        assertFalse(SpecNamespaces.ownsUts(n));
    }

    @Test
    void hostEverythingLeavesOnlyMount() {
        var n = new SpecInput.Namespaces(null, null, null, null, false);
        assertEquals(List.of(ns("mount", null)), SpecNamespaces.of(n, false, false));
    }

    @Test
    void cgroupNamespaceOnV2ForUnprivileged() {
        var n = new SpecInput.Namespaces(null, null, null, null, false);
        assertEquals(List.of(ns("mount", null), ns("cgroup", null)), SpecNamespaces.of(n, true, false));
        assertEquals(List.of(ns("mount", null)), SpecNamespaces.of(n, true, true));
    }
}
