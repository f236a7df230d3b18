package dev.jcri.sandbox.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;

/** How pod and container cgroups are named and created; must match kubelet's --cgroup-driver. */
public enum CgroupDriver {
    /** Plain directories in the cgroup filesystem ({@code /kubepods/burstable/pod<uid>}). */
    CGROUPFS,
    /** Transient systemd slices and scopes ({@code kubepods-burstable-pod<uid>.slice}). */
    SYSTEMD;

    /**
     * The driver for "auto": systemd when systemd is the node's init (it then owns the cgroup tree
     * and would fight a second writer), cgroupfs otherwise. This is the test systemd itself documents
     * for "booted with systemd".
     */
    public static CgroupDriver detect() {
        return Files.isDirectory(Path.of("/run/systemd/system")) ? SYSTEMD : CGROUPFS;
    }

    /** Parses a config value: "cgroupfs", "systemd" or "auto". */
    public static CgroupDriver fromConfig(String value) {
        return switch (value) {
            case "cgroupfs" -> CGROUPFS;
            case "systemd" -> SYSTEMD;
            case "auto" -> detect();
            default -> throw new IllegalArgumentException("unknown cgroup driver '" + value + "'");
        };
    }
}
