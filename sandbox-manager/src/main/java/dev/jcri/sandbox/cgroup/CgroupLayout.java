package dev.jcri.sandbox.cgroup;

import dev.jcri.linux.MountInfo;
import dev.jcri.linux.ProcFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which cgroup hierarchies the node mounts under its cgroup root, read from the mount table: v1
 * controllers from each v1 mount's superblock options ({@code rw,cpu,cpuacct}), the v2 controllers
 * from the cgroup2 root's {@code cgroup.controllers}. The root is a parameter so that tests describe
 * a node with a fixture mount table over a temporary directory.
 */
public final class CgroupLayout {

    /** Where Linux distributions mount cgroups. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/fs/cgroup");

    /** v1 controllers the kernel knows (superblock options also hold rw, xattr, clone_children, ...). */
    private static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer",
            "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc", "debug");

    private final CgroupMode mode;
    private final List<Hierarchy> v1;
    private final Hierarchy unified;

    private CgroupLayout(CgroupMode mode, List<Hierarchy> v1, Hierarchy unified) {
        this.mode = mode;
        this.v1 = List.copyOf(v1);
        this.unified = unified;
    }

    /** This node's layout under {@link #DEFAULT_ROOT}. */
    public static CgroupLayout detect() throws IOException {
        return detect(DEFAULT_ROOT, MountInfo.readAll());
    }

    /**
     * The layout described by {@code mounts} (a mount table, parents first) at or under
     * {@code root}. A hierarchy mounted twice counts once, at its first mount point.
     */
    public static CgroupLayout detect(Path root, List<MountInfo> mounts) {
        List<Hierarchy> v1 = new ArrayList<>();
        Hierarchy v2 = null;
        for (MountInfo m : mounts) {
            if (!m.mountPoint().startsWith(root)) {
                continue;
            }
            if (m.fsType().equals("cgroup")) {
                Set<String> controllers = v1Controllers(m.superOptions());
                if (!controllers.isEmpty() && v1.stream().noneMatch(h -> h.controllers().equals(controllers))) {
                    v1.add(new Hierarchy(m.mountPoint(), controllers, false));
                }
            } else if (m.fsType().equals("cgroup2") && v2 == null) {
                v2 = new Hierarchy(m.mountPoint(), v2Controllers(m.mountPoint()), true);
            }
        }
        boolean v1Controllers = v1.stream().anyMatch(h -> h.controllers().stream().anyMatch(V1_CONTROLLERS::contains));
        if (!v1Controllers && v2 != null) {
            return new CgroupLayout(CgroupMode.UNIFIED, List.of(), v2);
        }
        return new CgroupLayout(v2 == null ? CgroupMode.LEGACY : CgroupMode.HYBRID, v1, v2);
    }

    private static Set<String> v1Controllers(String superOptions) {
        Set<String> controllers = new LinkedHashSet<>();
        for (String option : superOptions.split(",")) {
            if (V1_CONTROLLERS.contains(option) || option.startsWith("name=")) {
                controllers.add(option);
            }
        }
        return controllers;
    }

    private static Set<String> v2Controllers(Path mountPoint) {
        String listed = ProcFiles.readTrimmedOrEmpty(mountPoint.resolve("cgroup.controllers"));
        return listed.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(listed.split("\\s+")));
    }

    public CgroupMode mode() {
        return mode;
    }

    /** Whether limits and statistics follow cgroup v2 (the OCI spec's resources map differently). */
    public boolean isUnified() {
        return mode == CgroupMode.UNIFIED;
    }

    /**
     * The hierarchies a pod's or container's cgroup lives in: every v1 hierarchy (named ones too,
     * as runc joins them) plus, on a hybrid node, the v2 one, where runc also makes its cgroups;
     * on a unified node the one hierarchy.
     */
    public List<Hierarchy> hierarchies() {
        if (mode == CgroupMode.UNIFIED) {
            return List.of(unified);
        }
        return unified == null ? v1 : Stream.concat(v1.stream(), Stream.of(unified)).toList();
    }

    /** The directories of a cgroup path in {@link #hierarchies()}. */
    public List<Path> dirsOf(String cgroupPath) {
        return hierarchies().stream().map(h -> h.dirOf(cgroupPath)).toList();
    }

    /** The v2 hierarchy (the only one when unified; membership-only on a hybrid node), if mounted. */
    public Optional<Hierarchy> unified() {
        return Optional.ofNullable(unified);
    }

    /** The v1 hierarchy a controller is bound to, if it is mounted as v1 (never on a unified node). */
    public Optional<Hierarchy> v1Hierarchy(String controller) {
        return v1.stream().filter(h -> h.controllers().contains(controller)).findFirst();
    }

    /**
     * Whether the memory controller accounts (and so can limit) swap: v1 shows
     * {@code memory.memsw.*} in its root; v2 shows {@code memory.swap.max} in every non-root cgroup
     * (the root has none), so one level down is looked at. Without it runc fails when a spec sets swap.
     */
    public boolean swapAccounting() {
        if (mode != CgroupMode.UNIFIED) {
            return v1Hierarchy("memory").map(h -> Files.exists(h.mountPoint().resolve("memory.memsw.limit_in_bytes")))
                    .orElse(false);
        }
        try (Stream<Path> children = Files.list(unified.mountPoint())) {
            return children.anyMatch(c -> Files.exists(c.resolve("memory.swap.max")));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + " " + hierarchies().stream()
                .map(h -> h.mountPoint() + (h.v2() ? " (v2)" : " " + h.controllers())).toList();
    }
}
