package dev.jcri.sandbox.container;

import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.sandbox.RuntimeBinaries;
import dev.jcri.sandbox.cgroup.CgroupDriver;
import dev.jcri.sandbox.cgroup.CgroupMode;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.cgroup.Hierarchy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The configured OCI runtime handlers (RuntimeClass names), each with its binary and state root. */
public final class RuntimeHandlers {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeHandlers.class);

    private RuntimeHandlers() {}

    /**
     * Resolves every handler's binary and asks each what it supports (once: the answer holds for
     * the daemon's life); a handler whose binary is missing is left out (pods asking for it are
     * refused, naming the known handlers) and logged.
     */
    public static Map<String, OciRuntime> open(Map<String, String> handlers, Path state, Cgroups cgroups)
            throws IOException {
        boolean systemdCgroup = cgroups.manager().driver() == CgroupDriver.SYSTEMD;
        Optional<Hierarchy> v2WithControllers = hybridV2WithControllers(cgroups);
        Map<String, OciRuntime> runtimes = new LinkedHashMap<>();
        for (var e : handlers.entrySet()) {
            Optional<Path> binary = RuntimeBinaries.find(e.getValue());
            if (binary.isEmpty()) {
                LOG.warn("runtime handler {}: {} not found; pods asking for it will be refused", e.getKey(), e.getValue());
                continue;
            }
            Path stateRoot = PrivateFiles.ensureDirectory(runtimeDir(state)).resolve(e.getKey());
            PrivateFiles.ensureDirectory(stateRoot);
            Path effective = binary.get();
            if (binary.get().getFileName().toString().startsWith("crun") && v2WithControllers.isPresent()) {
                effective = hybridWrapper(state, binary.get(), v2WithControllers.get().mountPoint());
                LOG.info("runtime handler {}: cgroup v1 node with controllers on its v2 mount; running crun with that mount hidden",
                        e.getKey());
            }
            RuntimeFeatures features = OciRuntime.askFeatures(effective);
            if (!features.reported()) {
                LOG.info("runtime handler {}: {} has no `features` command; requests that need a reported feature "
                        + "(recursive read-only mounts) are refused for its pods", e.getKey(), binary.get());
            } else if (!features.knowsMountOption("rro")) {
                LOG.info("runtime handler {}: {} does not list the \"rro\" mount option; recursive read-only mounts "
                        + "are refused for its pods", e.getKey(), binary.get());
            }
            runtimes.put(e.getKey(), new OciRuntime(e.getKey(), effective, stateRoot, systemdCgroup, features));
        }
        return runtimes;
    }

    /**
     * crun refuses a hybrid cgroup layout whose v2 mount holds controllers (hugetlb, on some
     * kernels), for every container. Containers here use only the v1 hierarchies, so crun is run
     * in a private mount namespace where the v2 mount is unmounted; nothing on the host changes.
     */
    private static Optional<Hierarchy> hybridV2WithControllers(Cgroups cgroups) {
        return cgroups.layout().mode() != CgroupMode.HYBRID ? Optional.empty()
                : cgroups.layout().unified().filter(h -> !h.controllers().isEmpty());
    }

    /** The runtimes' own state roots (runc/crun --root), one per handler; private to root. */
    private static Path runtimeDir(Path state) {
        return state.resolve("runtime");
    }

    /** Written anew at every start; only root runs it (0700). */
    private static Path hybridWrapper(Path state, Path crun, Path v2Mount) throws IOException {
        Path wrapper = runtimeDir(state).resolve("crun-hybrid");
        AtomicFiles.write(wrapper, 0700, """
                #!/bin/sh
                # Written by jcri: crun in a private mount namespace without the cgroup v2 mount (hybrid node).
                exec unshare -m /bin/sh -c 'umount -l "$1" 2>/dev/null; shift; exec "$0" "$@"' %s %s "$@"
                """.formatted(shellQuoted(crun), shellQuoted(v2Mount)).getBytes(StandardCharsets.UTF_8));
        return wrapper;
    }

    private static String shellQuoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
