package dev.jcri.sandbox.cgroup;

/** How the node mounts cgroups, as its mount table shows (never assumed from the distribution). */
public enum CgroupMode {
    /** v1 only: one hierarchy per controller (or group of controllers), no cgroup2 mount. */
    LEGACY,
    /**
     * v1 controller hierarchies plus a cgroup2 mount (systemd's {@code /sys/fs/cgroup/unified}):
     * limits and statistics come from v1; the v2 tree only tracks membership, and the OCI runtime
     * makes container cgroups there too.
     */
    HYBRID,
    /** One unified v2 hierarchy with every controller. */
    UNIFIED
}
