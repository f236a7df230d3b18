package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Block I/O on cgroup v1 (blkio): the weight, and bytes and operations per device from the
 * throttling layer's recursive counters, which count under every I/O scheduler (the plain
 * blkio.io_service_* files need CFQ or BFQ). Recent kernels (6.18 on these machines, measured)
 * keep them only for cgroups under a throttle rule, their own or an ancestor's: elsewhere they
 * read "Total 0" and the reading has no devices.
 */
final class BlkioV1 {

    private BlkioV1() {}

    /** blkio.weight where the kernel has it, else BFQ's blkio.bfq.weight (same range). */
    static void apply(Path dir, CgroupLimits limits) throws IOException {
        Path weight = dir.resolve("blkio.weight");
        CgroupFiles.write(Files.exists(weight) ? weight : dir.resolve("blkio.bfq.weight"), Long.toString(limits.blkioWeight()));
    }

    /** Null if nothing could be read. */
    static CgroupStats.Io read(Path dir) {
        Optional<String> bytes = CgroupFiles.read(dir.resolve("blkio.throttle.io_service_bytes_recursive"));
        Optional<String> ops = CgroupFiles.read(dir.resolve("blkio.throttle.io_serviced_recursive"));
        if (bytes.isEmpty() && ops.isEmpty()) {
            return null;
        }
        Map<String, long[]> devices = new TreeMap<>(); // "MAJ:MIN" → read bytes, written bytes, reads, writes
        bytes.ifPresent(text -> collect(text, 0, devices));
        ops.ifPresent(text -> collect(text, 2, devices));
        return new CgroupStats.Io(devices.entrySet().stream().map(e -> {
            int[] device = CgroupFiles.device(e.getKey());
            long[] v = e.getValue();
            return new CgroupStats.IoDevice(device[0], device[1], v[0], v[1], v[2], v[3]);
        }).toList(), null);
    }

    /** "MAJ:MIN Read N" and "MAJ:MIN Write N" lines into slots {@code offset} and {@code offset + 1}. */
    private static void collect(String text, int offset, Map<String, long[]> devices) {
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            int slot = f.length != 3 ? -1 : switch (f[1]) {
                case "Read" -> 0;
                case "Write" -> 1;
                default -> -1;
            };
            long value = slot < 0 ? UNKNOWN : CgroupFiles.parse(f[2]);
            if (value != UNKNOWN && CgroupFiles.device(f[0]) != null) {
                devices.computeIfAbsent(f[0], d -> new long[] {UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN})[offset + slot] = value;
            }
        }
    }
}
