package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Huge pages on cgroup v1: hugetlb.SIZE.limit_in_bytes; usage, peak and failures per size. */
final class HugetlbV1 {

    private HugetlbV1() {}

    static void apply(Path dir, CgroupLimits limits) throws IOException {
        for (Map.Entry<String, Long> e : limits.hugepageBytes().entrySet()) {
            CgroupFiles.write(dir.resolve("hugetlb." + HugePageSizes.checked(e.getKey()) + ".limit_in_bytes"),
                    Long.toString(e.getValue()));
        }
    }

    /** One reading per page size the directory shows. */
    static List<CgroupStats.Hugetlb> read(Path dir) {
        List<CgroupStats.Hugetlb> out = new ArrayList<>();
        for (String size : HugePageSizes.listed(dir, "limit_in_bytes")) {
            String prefix = "hugetlb." + size + ".";
            out.add(new CgroupStats.Hugetlb(size, CgroupFiles.number(dir.resolve(prefix + "usage_in_bytes")),
                    CgroupFiles.number(dir.resolve(prefix + "max_usage_in_bytes")),
                    CgroupFiles.v1Limit(CgroupFiles.number(dir.resolve(prefix + "limit_in_bytes"))),
                    CgroupFiles.number(dir.resolve(prefix + "failcnt"))));
        }
        return out;
    }
}
