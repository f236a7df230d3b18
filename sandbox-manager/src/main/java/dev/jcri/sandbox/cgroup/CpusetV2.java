package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU and memory node sets on cgroup v2: the same cpuset.cpus and cpuset.mems as v1 (so applying
 * is v1's), in effect cpuset.cpus.effective and cpuset.mems.effective; a new cgroup inherits its
 * parent's sets by itself.
 */
final class CpusetV2 {

    private CpusetV2() {}

    static void apply(Path dir, CgroupLimits limits) throws IOException {
        CpusetV1.apply(dir, limits);
    }

    /** Null if nothing could be read. */
    static CgroupStats.Cpuset read(Path dir) {
        return reading(dir.resolve("cpuset.cpus.effective"), dir.resolve("cpuset.mems.effective"));
    }

    static CgroupStats.Cpuset reading(Path cpusFile, Path memsFile) {
        Optional<String> cpus = CgroupFiles.read(cpusFile);
        Optional<String> mems = CgroupFiles.read(memsFile);
        return cpus.isEmpty() && mems.isEmpty() ? null : new CgroupStats.Cpuset(cpus.orElse(""), mems.orElse(""));
    }
}
