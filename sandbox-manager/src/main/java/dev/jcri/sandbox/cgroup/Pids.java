package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The pids controller: the one controller whose files (pids.max, pids.current) are the same on
 * cgroup v1 and v2, so one class serves both versions.
 */
final class Pids {

    private Pids() {}

    /** 0 or -1 lift the limit ("max"), as OCI's pids.limit does. */
    static void apply(Path dir, CgroupLimits limits) throws IOException {
        long max = limits.pidsMax();
        CgroupFiles.write(dir.resolve("pids.max"), max <= 0 ? "max" : Long.toString(max));
    }

    /** Null if nothing could be read. */
    static CgroupStats.Pids read(Path dir) {
        long current = CgroupFiles.number(dir.resolve("pids.current"));
        long max = CgroupFiles.number(dir.resolve("pids.max"));
        return current == UNKNOWN && max == UNKNOWN ? null : new CgroupStats.Pids(current, max);
    }
}
