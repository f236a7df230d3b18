package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.CgroupStats.UNKNOWN;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Huge pages on cgroup v2: hugetlb.SIZE.max; usage in .current, failures as "max" in .events. */
final class HugetlbV2 {

    private HugetlbV2() {}

    static void apply(Path dir, CgroupLimits limits) throws IOException {
        for (Map.Entry<String, Long> e : limits.hugepageBytes().entrySet()) {
            CgroupFiles.write(dir.resolve("hugetlb." + HugePageSizes.checked(e.getKey()) + ".max"), Long.toString(e.getValue()));
        }
    }

    /** One reading per page size the directory shows; v2 keeps no peak. */
    static List<CgroupStats.Hugetlb> read(Path dir) {
        List<CgroupStats.Hugetlb> out = new ArrayList<>();
        for (String size : HugePageSizes.listed(dir, "max")) {
            String prefix = "hugetlb." + size + ".";
            out.add(new CgroupStats.Hugetlb(size, CgroupFiles.number(dir.resolve(prefix + "current")), UNKNOWN,
                    CgroupFiles.number(dir.resolve(prefix + "max")),
                    CgroupFiles.flatKeyed(dir.resolve(prefix + "events")).getOrDefault("max", UNKNOWN)));
        }
        return out;
    }
}
