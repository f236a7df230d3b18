package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** cgroup v2 (unified nodes): every controller's files in the cgroup's one directory. */
final class ControllersV2 implements VersionControllers {

    private static final Logger LOG = LoggerFactory.getLogger(ControllersV2.class);

    private final Hierarchy unified;

    ControllersV2(Hierarchy unified) {
        this.unified = unified;
    }

    /**
     * A v2 cgroup has only the controllers its parent enables in cgroup.subtree_control; the
     * parent enables every one it has, one write each (as runc does), so that one it may not
     * hand down (a parent holding processes refuses all with EBUSY) is logged, and its files are
     * simply missing below: limits on it then fail naming the file, readings leave it out.
     */
    @Override
    public void prepare(Hierarchy hierarchy, Path newDir) {
        Path parent = newDir.getParent();
        List<String> enabled = words(parent.resolve("cgroup.subtree_control"));
        for (String controller : words(parent.resolve("cgroup.controllers"))) {
            if (!enabled.contains(controller)) {
                try {
                    CgroupFiles.write(parent.resolve("cgroup.subtree_control"), "+" + controller);
                } catch (IOException e) {
                    LOG.info("{} has no {} controller: {}", newDir, controller, e.getMessage());
                }
            }
        }
    }

    private static List<String> words(Path file) {
        String text = CgroupFiles.text(file);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+"));
    }

    @Override
    public void apply(String cgroupPath, CgroupLimits limits) throws IOException {
        Path dir = unified.dirOf(cgroupPath);
        if (limits.setsCpu()) {
            CpuV2.apply(dir, limits);
        }
        if (limits.setsCpuset()) {
            CpusetV2.apply(dir, limits);
        }
        if (limits.setsMemory()) {
            MemoryV2.apply(dir, limits);
        }
        if (limits.setsPids()) {
            Pids.apply(dir, limits);
        }
        if (limits.setsHugetlb()) {
            HugetlbV2.apply(dir, limits);
        }
        if (limits.setsIo()) {
            IoV2.apply(dir, limits);
        }
    }

    @Override
    public CgroupStats read(String cgroupPath, Set<Reading> readings) {
        Path dir = unified.dirOf(cgroupPath);
        boolean swap = readings.contains(Reading.SWAP);
        boolean pressure = readings.contains(Reading.PRESSURE);
        return new CgroupStats(
                readings.contains(Reading.CPU) ? CpuV2.read(dir, pressure) : null,
                readings.contains(Reading.MEMORY) || swap
                        ? MemoryV2.read(dir, swap, pressure, readings.contains(Reading.DETAIL)) : null,
                readings.contains(Reading.PIDS) ? Pids.read(dir) : null,
                readings.contains(Reading.HUGETLB) ? HugetlbV2.read(dir) : List.of(),
                readings.contains(Reading.IO) ? IoV2.read(dir, pressure) : null,
                readings.contains(Reading.CPUSET) ? CpusetV2.read(dir) : null);
    }
}
