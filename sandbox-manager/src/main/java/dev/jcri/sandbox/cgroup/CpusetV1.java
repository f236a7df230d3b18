package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU and memory node sets on cgroup v1: cpuset.cpus and cpuset.mems, in effect cpuset.effective_*. */
final class CpusetV1 {

    private CpusetV1() {}

    static void apply(Path dir, CgroupLimits limits) throws IOException {
        if (limits.cpusetCpus() != null) {
            CgroupFiles.write(dir.resolve("cpuset.cpus"), limits.cpusetCpus());
        }
        if (limits.cpusetMems() != null) {
            CgroupFiles.write(dir.resolve("cpuset.mems"), limits.cpusetMems());
        }
    }

    /**
     * A new v1 cpuset cgroup starts with empty cpus and mems, and no task may join it until they
     * are set (the write to cgroup.procs fails with ENOSPC): it gets its parent's, as the kernel
     * does by itself on v2.
     */
    static void inherit(Path newDir) throws IOException {
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            Path own = newDir.resolve(file);
            if (Files.exists(own) && CgroupFiles.text(own).isEmpty()) {
                CgroupFiles.write(own, CgroupFiles.text(newDir.getParent().resolve(file)));
            }
        }
    }

    /** Null if nothing could be read. */
    static CgroupStats.Cpuset read(Path dir) {
        return CpusetV2.reading(dir.resolve("cpuset.effective_cpus"), dir.resolve("cpuset.effective_mems"));
    }
}
