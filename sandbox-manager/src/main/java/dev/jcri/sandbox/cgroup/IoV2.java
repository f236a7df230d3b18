package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Block I/O on cgroup v2 (io): the weight; bytes and operations per device from io.stat, stalls from io.pressure. */
final class IoV2 {

    private IoV2() {}

    /**
     * BFQ's io.bfq.weight takes the v1 range as it is; otherwise io.weight's default, with the v1
     * weight [10..1000] mapped onto [1..10000] as runc maps it.
     */
    static void apply(Path dir, CgroupLimits limits) throws IOException {
        long weight = limits.blkioWeight();
        Path bfq = dir.resolve("io.bfq.weight");
        if (Files.exists(bfq)) {
            CgroupFiles.write(bfq, Long.toString(weight));
        } else {
            CgroupFiles.write(dir.resolve("io.weight"), "default " + blkioToIoWeight(weight));
        }
    }

    static long blkioToIoWeight(long blkioWeight) {
        return 1 + (Math.clamp(blkioWeight, 10L, 1000L) - 10) * 9999 / 990;
    }

    /**
     * io.stat, and io.pressure when asked. Null if nothing could be read; a cgroup that did no I/O
     * has an empty io.stat and no devices.
     */
    static CgroupStats.Io read(Path dir, boolean withPressure) {
        Optional<String> stat = CgroupFiles.read(dir.resolve("io.stat"));
        CgroupStats.Pressure pressure = withPressure ? CgroupFiles.pressure(dir.resolve("io.pressure")) : null;
        if (stat.isEmpty() && pressure == null) {
            return null;
        }
        List<CgroupStats.IoDevice> devices = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : CgroupFiles.nestedKeyed(stat.orElse("")).entrySet()) {
            int[] device = CgroupFiles.device(e.getKey());
            if (device != null) {
                Map<String, String> v = e.getValue();
                devices.add(new CgroupStats.IoDevice(device[0], device[1],
                        CgroupFiles.parse(v.getOrDefault("rbytes", "")), CgroupFiles.parse(v.getOrDefault("wbytes", "")),
                        CgroupFiles.parse(v.getOrDefault("rios", "")), CgroupFiles.parse(v.getOrDefault("wios", ""))));
            }
        }
        return new CgroupStats.Io(devices, pressure);
    }
}
