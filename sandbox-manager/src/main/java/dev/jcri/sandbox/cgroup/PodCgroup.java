package dev.jcri.sandbox.cgroup;

import java.nio.file.Path;
import java.util.List;

/**
 * A pod's cgroup (its cgroup_parent, under which the runtime makes its containers' cgroups).
 *
 * @param path    the cgroup path ({@code /kubepods/pod1}; for systemd the slice's path)
 * @param dirs    its directory in every hierarchy that has it
 * @param created whether jcri made it for this pod (else kubelet, or an earlier pod, did: then
 *                its limits are theirs to set)
 */
public record PodCgroup(String path, List<Path> dirs, boolean created) {

    public PodCgroup {
        dirs = List.copyOf(dirs);
    }

    /** The files a process writes its PID into to join the cgroup, one per hierarchy. */
    public List<Path> procsFiles() {
        return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }
}
