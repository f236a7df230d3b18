package dev.jcri.sandbox.cgroup;

/**
 * The systemd driver: cgroup_parent is a slice name ({@code kubepods-burstable-pod<uid>.slice})
 * whose path nests every dash-prefix as a parent slice
 * ({@code /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice}), as systemd
 * lays slices out. A container is the transient scope {@code jcri-<id>.scope} in the slice, which
 * the runtime asks systemd for ({@code slice:jcri:<id>}); pods without a parent use system.slice.
 *
 * <p>jcri has no D-Bus client: a pod slice kubelet did not make is created as directories, as
 * with cgroupfs (the runtime's scopes, made through systemd, then nest in it).
 */
public final class SystemdManager implements CgroupManager {

    private static final String DEFAULT_SLICE = "system.slice";
    private static final String SCOPE_PREFIX = "jcri";

    @Override
    public CgroupDriver driver() {
        return CgroupDriver.SYSTEMD;
    }

    @Override
    public String podPath(String cgroupParent) {
        if (cgroupParent.isEmpty()) {
            return "";
        }
        if (!cgroupParent.endsWith(".slice") || cgroupParent.contains("/") || cgroupParent.contains("..")) {
            throw new IllegalArgumentException("cgroup_parent '" + cgroupParent
                    + "' must be a systemd slice name (like kubepods-pod1.slice) for the systemd driver");
        }
        String name = cgroupParent.substring(0, cgroupParent.length() - ".slice".length());
        if (name.equals("-")) {
            return ""; // the root slice
        }
        StringBuilder path = new StringBuilder();
        StringBuilder prefix = new StringBuilder();
        for (String part : name.split("-", -1)) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("cgroup_parent '" + cgroupParent + "' has an empty slice component");
            }
            if (!prefix.isEmpty()) {
                prefix.append('-');
            }
            prefix.append(part);
            path.append('/').append(prefix).append(".slice");
        }
        return path.toString();
    }

    @Override
    public String containerCgroupsPath(String cgroupParent, String containerId) {
        podPath(cgroupParent); // validated like the pod's
        return (cgroupParent.isEmpty() ? DEFAULT_SLICE : cgroupParent) + ":" + SCOPE_PREFIX + ":" + containerId;
    }

    @Override
    public String containerPath(String cgroupParent, String containerId) {
        return podPath(cgroupParent.isEmpty() ? DEFAULT_SLICE : cgroupParent) + "/" + SCOPE_PREFIX + "-" + containerId + ".scope";
    }
}
