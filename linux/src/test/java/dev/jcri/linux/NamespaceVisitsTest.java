package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads inside network namespaces (as root, with iproute2): the caller's namespace never changes. */
class NamespaceVisitsTest {

    private final String name = "jcri-visit-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void createNamespace() throws Exception {
        ip("netns", "add", name);
        ip("-n", name, "link", "add", "probe0", "type", "veth", "peer", "name", "probe1");
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        ip("netns", "del", name);
    }

    @Test
    void readsEachNamespaceOnItsOwnThreadAndLeavesTheCallerWhereItWas() throws Exception {
        Path hostNs = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
        Map<String, Path> pins = new LinkedHashMap<>();
        pins.put("pod", Path.of("/run/netns", name));
        pins.put("gone", Path.of("/run/netns", name + "-never-made"));
        pins.put("again", Path.of("/run/netns", name));

        Map<String, NamespaceVisits.Outcome<String>> read = NamespaceVisits.visit(pins, Namespaces.CLONE_NEWNET,
                () -> ProcFiles.read(Path.of("/proc/thread-self/net/dev")), Duration.ofSeconds(10));

        assertEquals(List.of("pod", "gone", "again"), List.copyOf(read.keySet()));
        assertTrue(read.get("pod").ok() && read.get("pod").value().contains("probe0:"), read.get("pod").toString());
        assertTrue(read.get("again").ok() && read.get("again").value().contains("probe0:"), "a failed visit stops nothing");
        assertFalse(read.get("gone").ok());
        assertTrue(read.get("gone").failure().getMessage().contains("never-made"), read.get("gone").failure().getMessage());
        assertEquals(hostNs, Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")), "the caller stayed home");
        assertFalse(ProcFiles.read(Path.of("/proc/thread-self/net/dev")).contains("probe0:"));
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(cmd + ": " + out);
        }
    }
}
