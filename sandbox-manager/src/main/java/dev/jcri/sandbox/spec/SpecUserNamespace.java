package dev.jcri.sandbox.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The spec of a container of a user-namespaced pod: it joins the pod's pinned user namespace
 * (linux.namespaces "user" with its path) and repeats the namespace's mappings, because runc 1.1
 * refuses a user namespace without them ("User namespaces enabled, but no uid mappings found"),
 * even one it joins and so does not map itself; crun 1.8 takes either form. The root and bind mount sources are replaced with the idmapped views the caller made.
 */
public final class SpecUserNamespace {
    private SpecUserNamespace() {}

    /**
     * @param userns    the pod's user namespace pin
     * @param root      the path the runtime mounts as the container's root
     * @param rebind    a bind mount → the same mount with its source replaced (by an idmapped view)
     */
    public static OciSpec join(OciSpec spec, Path userns, List<OciSpec.IdMapping> uids, List<OciSpec.IdMapping> gids,
            Path root, UnaryOperator<OciSpec.Mount> rebind) {
        List<OciSpec.Namespace> namespaces = new ArrayList<>(spec.linux().namespaces());
        namespaces.add(0, new OciSpec.Namespace("user", userns.toString()));
        List<OciSpec.Mount> mounts = new ArrayList<>();
        for (OciSpec.Mount m : spec.mounts()) {
            mounts.add(isBind(m) ? rebind.apply(m) : m);
        }
        OciSpec.Linux l = spec.linux();
        OciSpec.Linux linux = new OciSpec.Linux(List.copyOf(namespaces), l.resources(), l.cgroupsPath(), l.sysctl(),
                l.seccomp(), l.devices(), l.rootfsPropagation(), l.maskedPaths(), l.readonlyPaths(), uids, gids);
        return new OciSpec(spec.ociVersion(), spec.process(), new OciSpec.Root(root.toString(), spec.root().readonly()),
                spec.hostname(), List.copyOf(mounts), spec.annotations(), linux, spec.hooks());
    }

    /** A bind mount: type "bind", or a "bind"/"rbind" option (how the spec marks one). */
    public static boolean isBind(OciSpec.Mount m) {
        return "bind".equals(m.type()) || (m.options() != null
                && (m.options().contains("bind") || m.options().contains("rbind")));
    }
}
