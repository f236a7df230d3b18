package dev.jcri.sandbox.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeTopologyTest {

    @Test
    void readsOnlineCpusNodesAndHugePageSizes(@TempDir Path sys) throws Exception {
        Files.createDirectories(sys.resolve("devices/system/cpu"));
        Files.writeString(sys.resolve("devices/system/cpu/online"), "0-3,8\n");
        Files.createDirectories(sys.resolve("kernel/mm/hugepages/hugepages-2048kB"));
        Files.createDirectories(sys.resolve("kernel/mm/hugepages/hugepages-1048576kB"));
        Files.createDirectories(sys.resolve("kernel/mm/hugepages/hugepages-64kB"));
        NodeTopology node = NodeTopology.read(sys);
        assertEquals("0-3,8", CpuList.format(node.cpus()));
        assertEquals("0", CpuList.format(node.mems()), "no NUMA directory: node 0");
        assertEquals(Set.of("2MB", "1GB", "64KB"), node.hugePageSizes());
    }

    @Test
    void pageSizesAreNamedInTheirLargestUnit() {
        assertEquals("2MB", NodeTopology.pageSize(2048));
        assertEquals("1GB", NodeTopology.pageSize(1 << 20));
        assertEquals("512KB", NodeTopology.pageSize(512));
        assertEquals("1536KB", NodeTopology.pageSize(1536));
    }
}
