package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * cgroup v1 (legacy and hybrid nodes): each controller in the hierarchy it is bound to, which may
 * be its own ({@code /sys/fs/cgroup/hugetlb}) or shared ({@code cpu,cpuacct}). A controller left on
 * a hybrid node's v2 mount is not used, as runc does not use it.
 */
final class ControllersV1 implements VersionControllers {

    private final CgroupLayout layout;

    ControllersV1(CgroupLayout layout) {
        this.layout = layout;
    }

    @Override
    public void prepare(Hierarchy hierarchy, Path newDir) throws IOException {
        if (hierarchy.controllers().contains("cpuset")) {
            CpusetV1.inherit(newDir);
        }
    }

    @Override
    public void apply(String cgroupPath, CgroupLimits limits) throws IOException {
        if (limits.setsCpu()) {
            CpuV1.apply(required("cpu", cgroupPath), limits);
        }
        if (limits.setsCpuset()) {
            CpusetV1.apply(required("cpuset", cgroupPath), limits);
        }
        if (limits.setsMemory()) {
            MemoryV1.apply(required("memory", cgroupPath), limits);
        }
        if (limits.setsPids()) {
            Pids.apply(required("pids", cgroupPath), limits);
        }
        if (limits.setsHugetlb()) {
            HugetlbV1.apply(required("hugetlb", cgroupPath), limits);
        }
        if (limits.setsIo()) {
            BlkioV1.apply(required("blkio", cgroupPath), limits);
        }
    }

    @Override
    public CgroupStats read(String cgroupPath, Set<Reading> readings) {
        Path cpuacct = dir("cpuacct", cgroupPath);
        Path memory = dir("memory", cgroupPath);
        Path pids = dir("pids", cgroupPath);
        Path hugetlb = dir("hugetlb", cgroupPath);
        Path blkio = dir("blkio", cgroupPath);
        Path cpuset = dir("cpuset", cgroupPath);
        boolean swap = readings.contains(Reading.SWAP);
        boolean detail = readings.contains(Reading.DETAIL);
        CgroupStats.Cpu cpu = !readings.contains(Reading.CPU) || cpuacct == null ? null
                : detail ? CpuV1.readDetail(cpuacct, dir("cpu", cgroupPath)) : CpuV1.read(cpuacct);
        return new CgroupStats(cpu,
                (readings.contains(Reading.MEMORY) || swap) && memory != null ? MemoryV1.read(memory, swap, detail) : null,
                readings.contains(Reading.PIDS) && pids != null ? Pids.read(pids) : null,
                readings.contains(Reading.HUGETLB) && hugetlb != null ? HugetlbV1.read(hugetlb) : List.of(),
                readings.contains(Reading.IO) && blkio != null ? BlkioV1.read(blkio) : null,
                readings.contains(Reading.CPUSET) && cpuset != null ? CpusetV1.read(cpuset) : null);
    }

    /** The cgroup's directory in the controller's hierarchy, or null when the node does not mount it. */
    private Path dir(String controller, String cgroupPath) {
        return layout.v1Hierarchy(controller).map(h -> h.dirOf(cgroupPath)).orElse(null);
    }

    private Path required(String controller, String cgroupPath) throws IOException {
        Path dir = dir(controller, cgroupPath);
        if (dir == null) {
            throw new IOException("cannot limit " + controller + ": this node does not mount the " + controller
                    + " controller as cgroup v1 (" + layout + ")");
        }
        return dir;
    }
}
