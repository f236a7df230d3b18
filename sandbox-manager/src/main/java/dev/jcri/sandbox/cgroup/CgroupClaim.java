package dev.jcri.sandbox.cgroup;

import java.util.List;

/**
 * Ownership, written down: the cgroup directories jcri created that one object (a pod) holds.
 * Several objects hold a directory they share (pods under one cgroup_parent that the first of them
 * created); it is removed when the last holder releases it. Saved before the directories are made,
 * so that a crash in between leaves a claim on directories that may not exist, never a directory
 * nobody claims.
 *
 * @param owner      the holding object's ID
 * @param cgroupPath the cgroup path the object asked for
 * @param dirs       absolute directories, each hierarchy's parents before their children
 */
public record CgroupClaim(String owner, String cgroupPath, List<String> dirs) {

    public CgroupClaim {
        dirs = List.copyOf(dirs);
    }

    CgroupClaim withDirs(List<String> newDirs) {
        return new CgroupClaim(owner, cgroupPath, newDirs);
    }
}
