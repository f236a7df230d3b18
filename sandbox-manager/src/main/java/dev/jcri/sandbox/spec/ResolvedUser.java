package dev.jcri.sandbox.spec;

import java.util.List;

/**
 * The identity a container's process runs as.
 *
 * @param uid            numeric user ID
 * @param gid            numeric primary group ID
 * @param additionalGids supplementary groups, the primary group first (as containerd reports them)
 * @param username       the user's name from the rootfs' /etc/passwd, or null when it has no entry
 */
public record ResolvedUser(long uid, long gid, List<Long> additionalGids, String username) {
    public ResolvedUser {
        additionalGids = List.copyOf(additionalGids);
    }
}
