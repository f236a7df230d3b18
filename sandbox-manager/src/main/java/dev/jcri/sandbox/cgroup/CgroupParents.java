package dev.jcri.sandbox.cgroup;

import dev.jcri.sandbox.CgroupDriver;

/**
 * Turns the cgroup_parent kubelet sends into a path in the cgroup hierarchy. With the cgroupfs
 * driver it is already a path ({@code /kubepods/burstable/pod<uid>}); with systemd it is a slice
 * name ({@code kubepods-burstable-pod<uid>.slice}) whose path nests every dash-prefix as a parent
 * slice ({@code /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice}), as
 * systemd lays slices out.
 */
public final class CgroupParents {

    private CgroupParents() {}

    public static String toPath(CgroupDriver driver, String parent) {
        if (parent.isEmpty()) {
            return "";
        }
        if (driver == CgroupDriver.CGROUPFS) {
            if (!parent.startsWith("/") || parent.contains("..")) {
                throw new IllegalArgumentException("cgroup_parent '" + parent + "' must be an absolute cgroup path for the cgroupfs driver");
            }
            return parent.replaceAll("/+$", "");
        }
        if (!parent.endsWith(".slice") || parent.contains("/") || parent.contains("..")) {
            throw new IllegalArgumentException("cgroup_parent '" + parent + "' must be a systemd slice name (like kubepods-pod1.slice) for the systemd driver");
        }
        String name = parent.substring(0, parent.length() - ".slice".length());
        if (name.equals("-")) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        String[] parts = name.split("-");
        StringBuilder prefix = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("cgroup_parent '" + parent + "' has an empty slice component");
            }
            if (prefix.length() > 0) {
                prefix.append('-');
            }
            prefix.append(part);
            path.append('/').append(prefix).append(".slice");
        }
        return path.toString();
    }
}
