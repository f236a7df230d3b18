package dev.jcri.sandbox.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLayoutTest {

    @TempDir
    Path root;

    @Test
    void aHybridNodeWithHugetlbOnItsOwnHierarchyUsesEveryV1HierarchyPlusTheV2One() {
        CgroupLayout layout = FixtureNode.hybrid(root).layout();
        assertEquals(CgroupMode.HYBRID, layout.mode());
        assertFalse(layout.isUnified());
        assertEquals(Optional.of(root.resolve("hugetlb")), layout.v1Hierarchy("hugetlb").map(Hierarchy::mountPoint));
        assertEquals(layout.v1Hierarchy("cpu"), layout.v1Hierarchy("cpuacct"), "co-mounted controllers share a hierarchy");
        assertEquals(Set.of("cpu", "cpuacct"), layout.v1Hierarchy("cpu").orElseThrow().controllers());
        assertEquals(List.of("cpu,cpuacct", "cpuset", "memory", "pids", "blkio", "hugetlb", "systemd", "unified"),
                layout.hierarchies().stream().map(h -> h.mountPoint().getFileName().toString()).toList(),
                "named hierarchies and the v2 mount hold the runtime's cgroups too");
        assertEquals(root.resolve("hugetlb/kubepods/pod1"), layout.dirsOf("/kubepods/pod1").get(5));
        assertTrue(layout.unified().orElseThrow().v2());
    }

    @Test
    void aControllerLeftOnTheV2SideOfAHybridNodeIsNotAV1Controller() {
        CgroupLayout layout = new FixtureNode(root).v1("cpu", "cpu").v1("memory", "memory").v2("unified", "hugetlb").layout();
        assertEquals(CgroupMode.HYBRID, layout.mode());
        assertEquals(Optional.empty(), layout.v1Hierarchy("hugetlb"));
        assertEquals(Set.of("hugetlb"), layout.unified().orElseThrow().controllers());
    }

    @Test
    void aPureV2NodeHasOneHierarchyWithTheControllersItsRootLists() {
        CgroupLayout layout = FixtureNode.unified(root).layout();
        assertEquals(CgroupMode.UNIFIED, layout.mode());
        assertTrue(layout.isUnified());
        assertEquals(List.of(root), layout.hierarchies().stream().map(Hierarchy::mountPoint).toList());
        assertEquals(Set.of("cpuset", "cpu", "io", "memory", "hugetlb", "pids"), layout.unified().orElseThrow().controllers());
        assertEquals(List.of(root.resolve("a/b")), layout.dirsOf("/a/b/"));
    }

    @Test
    void aV2NodeThatStillMountsSystemdsNamedV1HierarchyIsUnified() {
        CgroupLayout layout = FixtureNode.unified(root).v1("systemd", "name=systemd").layout();
        assertEquals(CgroupMode.UNIFIED, layout.mode());
        assertEquals(List.of(root), layout.hierarchies().stream().map(Hierarchy::mountPoint).toList());
    }

    @Test
    void aV1OnlyNodeIsLegacy() {
        CgroupLayout layout = FixtureNode.legacy(root).layout();
        assertEquals(CgroupMode.LEGACY, layout.mode());
        assertEquals(Optional.empty(), layout.unified());
        assertEquals(4, layout.hierarchies().size());
    }

    @Test
    void onlyCgroupMountsUnderTheRootCountAndABindMountedHierarchyCountsOnce() {
        CgroupLayout layout = new FixtureNode(root).v1("memory", "memory")
                .line("90 31 0:40 / /elsewhere/cpu rw,relatime - cgroup cgroup rw,cpu")
                .line("91 31 0:41 / " + root.resolve("memory-again") + " rw,relatime - cgroup cgroup rw,memory")
                .line("92 31 0:42 / " + root.resolve("notacgroup") + " rw,relatime - tmpfs tmpfs rw,cpu")
                .layout();
        assertEquals(List.of(root.resolve("memory")), layout.hierarchies().stream().map(Hierarchy::mountPoint).toList());
        assertEquals(Optional.empty(), layout.v1Hierarchy("cpu"));
    }

    @Test
    void swapAccountingShowsAsMemswOnV1AndSwapMaxBelowTheRootOnV2() {
        FixtureNode v1 = FixtureNode.legacy(root.resolve("v1"));
        assertFalse(v1.layout().swapAccounting());
        FixtureNode.write(v1.dir("memory", "/").resolve("memory.memsw.limit_in_bytes"), "9223372036854771712");
        assertTrue(v1.layout().swapAccounting());

        FixtureNode v2 = FixtureNode.unified(root.resolve("v2"));
        assertFalse(v2.layout().swapAccounting());
        FixtureNode.write(v2.dir("", "/system.slice").resolve("memory.swap.max"), "max");
        assertTrue(v2.layout().swapAccounting());
    }

    @Test
    void pathsNeverLeaveTheirHierarchy() {
        Hierarchy h = FixtureNode.unified(root).layout().hierarchies().getFirst();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> h.dirOf("/a/../../etc"));
        assertEquals(root, h.dirOf("/"));
    }
}
