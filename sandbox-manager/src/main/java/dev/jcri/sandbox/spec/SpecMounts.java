package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.validate.TextRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import runtime.v1.Api;

/**
 * The container's mounts, in containerd's order: the runtime defaults (/proc, /dev, /dev/pts,
 * /dev/mqueue, /sys, /sys/fs/cgroup) minus those a request mount replaces, then the pod's files
 * (/etc/hostname, /etc/hosts, /etc/resolv.conf, /dev/shm) and the request's mounts as bind mounts,
 * stably sorted by destination depth so that a parent is mounted before what is mounted inside it.
 */
final class SpecMounts {
    private SpecMounts() {}

    /**
     * @param mounts            config.json mounts
     * @param rootfsPropagation linux.rootfsPropagation ("rshared"/"rslave") when a mount propagates, else null
     * @param imageVolumes      image VOLUMEs no mount covers
     */
    record Result(List<OciSpec.Mount> mounts, String rootfsPropagation, List<String> imageVolumes) {}

    private static final String HOST_SHM = "/dev/shm";

    static Result of(SpecInput in, boolean privileged, boolean readonlyRootfs, HostFeatures host)
            throws JcriException {
        List<Api.Mount> requested = in.container().getMountsList();
        // The request's mounts were checked before anything was made (MountRules): here only what
        // depends on the handler, before any host path is created.
        List<String> cleaned = new ArrayList<>();
        Set<String> requestedDestinations = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            checkHandlerSupport(requested.get(i), "config.mounts[" + i + "]", host);
            String destination = TextRules.clean(requested.get(i).getContainerPath());
            requestedDestinations.add(destination);
            cleaned.add(destination);
        }
        List<BindMount> binds = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            Api.Mount m = requested.get(i);
            binds.add(new BindMount(hostSource(m, "config.mounts[" + i + "]"), cleaned.get(i), m.getReadonly(),
                    m.getRecursiveReadOnly(), m.getPropagation()));
        }
        // The pod's files go first so that the stable sort keeps them ahead of request mounts of equal depth.
        List<BindMount> all = new ArrayList<>(podFileMounts(in.podFiles(), readonlyRootfs, requestedDestinations));
        all.addAll(binds);
        all.sort(Comparator.comparingInt(b -> depth(b.destination())));

        Set<String> destinations = new HashSet<>();
        all.forEach(b -> destinations.add(b.destination()));
        List<OciSpec.Mount> mounts = new ArrayList<>();
        for (OciSpec.Mount m : defaults(privileged)) {
            boolean replaced = destinations.contains(m.destination())
                    || (destinations.contains("/dev") && m.destination().startsWith("/dev/"));
            if (!replaced) {
                mounts.add(m);
            }
        }
        String propagation = null;
        for (BindMount b : all) {
            mounts.add(b.toOci());
            if (b.propagation() == Api.MountPropagation.PROPAGATION_BIDIRECTIONAL) {
                propagation = "rshared";
            } else if (b.propagation() == Api.MountPropagation.PROPAGATION_HOST_TO_CONTAINER && propagation == null) {
                propagation = "rslave";
            }
        }
        return new Result(List.copyOf(mounts), propagation, uncoveredVolumes(in.image().volumes(), mounts));
    }

    /** runc's and containerd's defaults; /sys and the cgroup tree are read-only unless privileged. */
    static List<OciSpec.Mount> defaults(boolean privileged) {
        List<String> sys = new ArrayList<>(List.of("nosuid", "noexec", "nodev"));
        List<String> cgroup = new ArrayList<>(List.of("nosuid", "noexec", "nodev", "relatime"));
        if (!privileged) {
            sys.add("ro");
            cgroup.add("ro");
        }
        return List.of(
                new OciSpec.Mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                new OciSpec.Mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                new OciSpec.Mount("/dev/pts", "devpts", "devpts",
                        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                new OciSpec.Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                new OciSpec.Mount("/sys", "sysfs", "sysfs", List.copyOf(sys)),
                new OciSpec.Mount("/sys/fs/cgroup", "cgroup", "cgroup", List.copyOf(cgroup)));
    }

    /** A bind mount as CRI describes one, validated and with its host side resolved. */
    record BindMount(String source, String destination, boolean readonly, boolean recursiveReadOnly,
                     Api.MountPropagation propagation) {
        OciSpec.Mount toOci() {
            List<String> options = new ArrayList<>();
            options.add("rbind");
            options.add(switch (propagation) {
                case PROPAGATION_BIDIRECTIONAL -> "rshared";
                case PROPAGATION_HOST_TO_CONTAINER -> "rslave";
                default -> "rprivate";
            });
            options.add(readonly ? "ro" : "rw");
            if (recursiveReadOnly) {
                options.add("rro");
            }
            return new OciSpec.Mount(destination, "bind", source, List.copyOf(options));
        }
    }

    /** What the pod's handler must support for a request mount (checked without touching the host). */
    private static void checkHandlerSupport(Api.Mount m, String field, HostFeatures host) throws JcriException {
        if (m.getRecursiveReadOnly() && !host.recursiveReadOnlyMounts()) {
            throw JcriException.invalidArgument(field + ".recursive_read_only",
                    "the pod's runtime handler cannot make recursive read-only mounts (it needs Linux 5.12+ "
                            + "and an OCI runtime whose `features` lists the \"rro\" mount option)");
        }
    }

    /** The mount's host side, created as a directory when missing (containerd's behaviour). */
    private static String hostSource(Api.Mount m, String field) throws JcriException {
        Path hostPath = Path.of(m.getHostPath());
        Path source;
        try {
            // containerd creates a missing host path as a directory (what kubelet's hostPath
            // "DirectoryOrCreate" semantics and many charts rely on), then follows symlinks so the
            // runtime mounts what the link pointed to at creation time.
            if (!Files.exists(hostPath)) {
                Files.createDirectories(hostPath);
            }
            source = hostPath.toRealPath();
        } catch (IOException e) {
            throw JcriException.invalidArgument(field + ".host_path",
                    "cannot resolve " + m.getHostPath() + ": " + e.getMessage(), e);
        }
        return source.toString();
    }

    /**
     * The pod's /etc files (read-only with a read-only rootfs, as containerd does) and its /dev/shm,
     * unless the request mounts something at the same place (kubelet mounts its own /etc/hosts).
     */
    private static List<BindMount> podFileMounts(SpecInput.PodFilePaths files, boolean readonlyRootfs, Set<String> taken) {
        List<BindMount> out = new ArrayList<>();
        if (files == null) {
            return out;
        }
        addIfPresent(out, taken, files.hostname(), "/etc/hostname", readonlyRootfs);
        addIfPresent(out, taken, files.hosts(), "/etc/hosts", readonlyRootfs);
        addIfPresent(out, taken, files.resolvConf(), "/etc/resolv.conf", readonlyRootfs);
        // shm is null when the pod uses the host's IPC namespace: its /dev/shm is the host's then.
        addIfPresent(out, taken, files.shm() != null ? files.shm() : Path.of(HOST_SHM), "/dev/shm", false);
        return out;
    }

    private static void addIfPresent(List<BindMount> out, Set<String> taken, Path source, String destination, boolean ro) {
        if (source != null && !taken.contains(destination) && Files.exists(source)) {
            out.add(new BindMount(source.toString(), destination, ro, false, Api.MountPropagation.PROPAGATION_PRIVATE));
        }
    }

    static List<String> uncoveredVolumes(List<String> volumes, List<OciSpec.Mount> mounts)
            throws JcriException {
        List<String> out = new ArrayList<>();
        for (String v : volumes) {
            if (v.isBlank()) {
                continue;
            }
            if (v.indexOf('\0') >= 0) {
                throw JcriException.invalidArgument("image.config.Volumes", "a volume path contains a NUL byte");
            }
            Path vp = Path.of(TextRules.clean("/" + v));
            boolean covered = mounts.stream().map(m -> Path.of(m.destination())).anyMatch(vp::startsWith);
            String s = vp.toString();
            if (!covered && !s.equals("/") && !out.contains(s)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    private static int depth(String destination) {
        return Path.of(destination).getNameCount();
    }
}
