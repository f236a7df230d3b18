package dev.jcri.sandbox.validate;

import dev.jcri.linux.ProcFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What of this node a request may name: its online CPUs and memory nodes (a cpuset naming others
 * makes the runtime fail) and the huge page sizes the kernel offers (kubelet sends a limit for each
 * of them, and only those). Read when a request is checked: CPUs can go offline.
 *
 * @param cpus           online CPUs ({@code /sys/devices/system/cpu/online})
 * @param mems           online memory nodes ({@code /sys/devices/system/node/online}; node 0 without NUMA)
 * @param hugePageSizes  sizes as the hugetlb controller and CRI name them ("2MB", "1GB")
 */
public record NodeTopology(BitSet cpus, BitSet mems, Set<String> hugePageSizes) {

    private static final Path SYS = Path.of("/sys");

    public NodeTopology {
        cpus = (BitSet) cpus.clone();
        mems = (BitSet) mems.clone();
        hugePageSizes = Set.copyOf(hugePageSizes);
    }

    /** This node now. */
    public static NodeTopology current() {
        return read(SYS);
    }

    /** The topology a sysfs tree shows (a fixture directory in tests). */
    static NodeTopology read(Path sys) {
        BitSet cpus = list(sys.resolve("devices/system/cpu/online"));
        BitSet mems = list(sys.resolve("devices/system/node/online"));
        if (mems.isEmpty()) {
            mems.set(0); // a kernel without NUMA has one node, 0, and no node directory
        }
        Set<String> sizes = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(sys.resolve("kernel/mm/hugepages"))) {
            dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("hugepages-[0-9]+kB"))
                    .forEach(n -> sizes.add(pageSize(Long.parseLong(n.substring("hugepages-".length(), n.length() - 2)))));
        } catch (IOException e) {
            // no huge pages on this kernel: no size is valid
        }
        return new NodeTopology(cpus, mems, sizes);
    }

    /** 2048 kB → "2MB", 1048576 kB → "1GB", 64 kB → "64KB": the largest unit that divides it, as runc names hugetlb files. */
    static String pageSize(long kib) {
        String[] units = {"KB", "MB", "GB"};
        int unit = 0;
        while (unit < units.length - 1 && kib % 1024 == 0) {
            kib /= 1024;
            unit++;
        }
        return kib + units[unit];
    }

    private static BitSet list(Path file) {
        try {
            return CpuList.parse(file.toString(), ProcFiles.readTrimmedOrEmpty(file));
        } catch (IOException e) {
            return new BitSet();
        }
    }
}
