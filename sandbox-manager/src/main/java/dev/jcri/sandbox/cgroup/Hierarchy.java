package dev.jcri.sandbox.cgroup;

import java.nio.file.Path;
import java.util.Set;

/**
 * One mounted cgroup hierarchy.
 *
 * @param mountPoint  where it is mounted (a cgroup path {@code /a/b} is {@code mountPoint/a/b})
 * @param controllers the v1 controllers bound to it ({@code cpu}, {@code cpuacct}, ...; a named
 *                    hierarchy such as systemd's shows as {@code name=systemd}), or for the v2
 *                    hierarchy those listed in its root's {@code cgroup.controllers}
 * @param v2          whether it is a cgroup2 (unified) hierarchy
 */
public record Hierarchy(Path mountPoint, Set<String> controllers, boolean v2) {

    public Hierarchy {
        controllers = Set.copyOf(controllers);
    }

    /** The directory of an absolute cgroup path ({@code /kubepods/pod1}) in this hierarchy. */
    public Path dirOf(String cgroupPath) {
        String relative = CgroupPaths.relative(cgroupPath);
        return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
    }
}
