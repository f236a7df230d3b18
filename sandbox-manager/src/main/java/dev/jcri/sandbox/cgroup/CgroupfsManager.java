package dev.jcri.sandbox.cgroup;

/**
 * The cgroupfs driver: cgroup_parent is already a path ({@code /kubepods/burstable/pod<uid>}),
 * and a container's cgroup is the parent plus its ID, as containerd names it; containers of pods
 * without a parent go under {@code /jcri}.
 */
public final class CgroupfsManager implements CgroupManager {

    static final String DEFAULT_PARENT = "/jcri";

    @Override
    public CgroupDriver driver() {
        return CgroupDriver.CGROUPFS;
    }

    @Override
    public String podPath(String cgroupParent) {
        if (cgroupParent.isEmpty()) {
            return "";
        }
        if (!cgroupParent.startsWith("/")) {
            throw new IllegalArgumentException("cgroup_parent '" + cgroupParent
                    + "' must be an absolute cgroup path for the cgroupfs driver");
        }
        for (String part : cgroupParent.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("cgroup_parent '" + cgroupParent
                        + "' must not contain '.' or '..' components");
            }
        }
        return cgroupParent.replaceAll("/+$", "");
    }

    @Override
    public String containerCgroupsPath(String cgroupParent, String containerId) {
        return containerPath(cgroupParent, containerId);
    }

    @Override
    public String containerPath(String cgroupParent, String containerId) {
        String parent = podPath(cgroupParent);
        return (parent.isEmpty() ? DEFAULT_PARENT : parent) + "/" + containerId;
    }
}
