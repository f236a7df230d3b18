package dev.jcri.sandbox.cgroup;

/**
 * How one cgroup driver names pod and container cgroups. kubelet and the OCI runtime must agree
 * with it: kubelet sends cgroup_parent in the driver's form, and the runtime gets its
 * linux.cgroupsPath in the driver's form ({@code --systemd-cgroup} for systemd).
 */
public sealed interface CgroupManager permits CgroupfsManager, SystemdManager {

    static CgroupManager of(CgroupDriver driver) {
        return driver == CgroupDriver.SYSTEMD ? new SystemdManager() : new CgroupfsManager();
    }

    CgroupDriver driver();

    /**
     * The pod's cgroup_parent as a cgroup path, "" when it names none.
     *
     * @throws IllegalArgumentException when it is not in this driver's form (the message names it)
     */
    String podPath(String cgroupParent);

    /** The OCI linux.cgroupsPath of a container of a pod with {@code cgroupParent}. */
    String containerCgroupsPath(String cgroupParent, String containerId);

    /** Where the runtime makes that container's cgroup, as a cgroup path (for its statistics). */
    String containerPath(String cgroupParent, String containerId);
}
