package dev.jcri.sandbox.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * linux.namespaces: join the pod's pinned namespaces, leave out the host's ones, and always give
 * the container its own mount namespace (and, on cgroup v2, its own cgroup namespace as containerd
 * does for unprivileged containers, so that it sees its own cgroup as the root).
 */
final class SpecNamespaces {
    private SpecNamespaces() {}

    static List<OciSpec.Namespace> of(SpecInput.Namespaces ns, boolean cgroupV2, boolean privileged) {
        List<OciSpec.Namespace> out = new ArrayList<>();
        if (ns.pid() != null) {
            out.add(join("pid", ns.pid()));
        } else if (ns.privatePid()) {
            out.add(new OciSpec.Namespace("pid", null));
        }
        if (ns.ipc() != null) {
            out.add(join("ipc", ns.ipc()));
        }
        if (ns.uts() != null) {
            out.add(join("uts", ns.uts()));
        }
        out.add(new OciSpec.Namespace("mount", null));
        if (ns.network() != null) {
            out.add(join("network", ns.network()));
        }
        if (cgroupV2 && !privileged) {
            out.add(new OciSpec.Namespace("cgroup", null));
        }
        return List.copyOf(out);
    }

    /** runc refuses to set a hostname without a UTS namespace entry; with the host's UTS there is none to set. */
    static boolean ownsUts(SpecInput.Namespaces ns) {
        return ns.uts() != null;
    }

    private static OciSpec.Namespace join(String type, Path path) {
        return new OciSpec.Namespace(type, path.toString());
    }
}
