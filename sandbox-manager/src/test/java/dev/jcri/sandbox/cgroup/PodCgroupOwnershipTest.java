package dev.jcri.sandbox.cgroup;

import static dev.jcri.sandbox.cgroup.FixtureNode.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pod cgroups created and removed by recorded ownership, on a hybrid node with hugetlb on a v1
 * hierarchy of its own (issue 12: removal failed with EBUSY there when pods shared a parent).
 */
class PodCgroupOwnershipTest {

    @TempDir
    Path tmp;

    private FixtureNode node;
    private Path claims;
    private Cgroups cgroups;

    @BeforeEach
    void openNode() throws IOException {
        node = FixtureNode.hybrid(tmp.resolve("sys"));
        claims = tmp.resolve("state/cgroups");
        cgroups = Cgroups.open(node.layout(), CgroupDriver.CGROUPFS, claims, Duration.ZERO);
    }

    /** The directories of a cgroup path that exist, over every hierarchy of the node. */
    private List<Path> existing(String cgroupPath) {
        return node.layout().dirsOf(cgroupPath).stream().filter(Files::isDirectory).toList();
    }

    private PodCgroup create(String pod, String parent) throws IOException {
        return cgroups.createPodCgroup(pod, parent, CgroupLimits.NONE).orElseThrow();
    }

    @Test
    void aMissingParentIsCreatedInEveryHierarchyAndRemovedWithItsPod() throws IOException {
        PodCgroup cgroup = create("pod1", "/kubepods/pod1");
        assertTrue(cgroup.created());
        assertEquals(8, existing("/kubepods/pod1").size(), "every v1 hierarchy, the named one and the v2 one");
        assertEquals(node.layout().dirsOf("/kubepods/pod1").stream().map(d -> d.resolve("cgroup.procs")).toList(),
                cgroup.procsFiles());
        cgroups.release("pod1");
        assertEquals(List.of(), existing("/kubepods"));
        assertEquals(List.of(), cgroups.heldBy("pod1"));
        assertFalse(Files.exists(claims.resolve("pod1")), "no claim left");
    }

    @Test
    void podsUnderOneParentShareItAndTheLastOneRemovesIt() throws IOException {
        create("pod1", "/shared");
        PodCgroup second = create("pod2", "/shared");
        assertFalse(second.created(), "the first pod made it: its limits are the first pod's");
        write(node.dir("hugetlb", "/shared/ctr2/cgroup.procs"), ""); // the runtime's container cgroup of pod2
        Files.delete(node.dir("hugetlb", "/shared/ctr2/cgroup.procs"));

        cgroups.release("pod1"); // issue 12: EBUSY in hugetlb made this fail forever
        assertEquals(8, existing("/shared").size(), "pod2 still lives in it");

        Files.delete(node.dir("hugetlb", "/shared/ctr2"));
        cgroups.release("pod2");
        assertEquals(List.of(), existing("/shared"));
    }

    @Test
    void nestedLevelsGoWithTheLastPodBelowThem() throws IOException {
        create("a", "/base/mid/a");
        create("b", "/base/mid/b");
        cgroups.release("a");
        assertEquals(List.of(), existing("/base/mid/a"));
        assertEquals(8, existing("/base/mid").size());
        cgroups.release("b");
        assertEquals(List.of(), existing("/base"));
    }

    @Test
    void aLevelJcriDidNotMakeIsNeverRemoved() throws IOException {
        node.layout().dirsOf("/kubepods").forEach(FixtureNode::mkdirs); // kubelet's
        create("pod1", "/kubepods/pod1");
        assertEquals(List.of(), cgroups.heldBy("pod1").stream().filter(d -> d.endsWith("/kubepods")).toList());
        cgroups.release("pod1");
        assertEquals(List.of(), existing("/kubepods/pod1"));
        assertEquals(8, existing("/kubepods").size());
    }

    @Test
    void aPodWhoseParentAlreadyExistsHoldsNothingAndGetsNoLimits() throws IOException {
        node.layout().dirsOf("/kubepods/pod1").forEach(FixtureNode::mkdirs);
        PodCgroup cgroup = cgroups.createPodCgroup("pod1", "/kubepods/pod1", CgroupLimits.NONE.withMemory(1L << 20, null))
                .orElseThrow();
        assertFalse(cgroup.created(), "kubelet made it and sets its limits (no memory.limit_in_bytes was written)");
        assertEquals(List.of(), cgroups.heldBy("pod1"));
        assertFalse(Files.exists(claims.resolve("pod1")), "nothing to claim, nothing written");
    }

    /** A hierarchy mounted after kubelet made its levels (critest's setup mounts hugetlb late). */
    @Test
    void aHierarchyKubeletsLevelIsMissingFromIsFilledInButTheLevelStaysKubelets() throws IOException {
        Path hugetlb = node.dir("hugetlb", "");
        node.layout().dirsOf("/kubepods/pod1").stream().filter(d -> !d.startsWith(hugetlb)).forEach(FixtureNode::mkdirs);
        PodCgroup cgroup = cgroups.createPodCgroup("pod1", "/kubepods/pod1", CgroupLimits.NONE.withMemory(1L << 20, null))
                .orElseThrow();
        assertFalse(cgroup.created(), "kubelet's level: no limits written (the fixture has no memory.limit_in_bytes)");
        assertEquals(8, cgroup.procsFiles().size());
        assertEquals(List.of(node.dir("hugetlb", "/kubepods").toString(), node.dir("hugetlb", "/kubepods/pod1").toString()),
                cgroups.heldBy("pod1"));
        cgroups.release("pod1");
        assertEquals(7, existing("/kubepods/pod1").size(), "only what jcri filled in is gone");
    }

    @Test
    void aLevelStillHoldingCgroupsNotMadeForItsPodsStaysWithoutAnError() throws IOException {
        create("pod1", "/leftover");
        FixtureNode.mkdirs(node.dir("memory", "/leftover/someone-elses"));
        cgroups.release("pod1");
        assertEquals(List.of(node.dir("memory", "/leftover")), existing("/leftover"));
        assertEquals(List.of(), cgroups.heldBy("pod1"), "not jcri's to remove any more");
    }

    @Test
    void aLevelStillHoldingProcessesIsAnErrorNamingThemAndIsRetried() throws IOException {
        create("pod1", "/busy");
        Path procs = write(node.dir("pids", "/busy/cgroup.procs"), "4242\n");
        IOException e = assertThrows(IOException.class, () -> cgroups.release("pod1"));
        assertTrue(e.getMessage().contains(node.dir("pids", "/busy").toString()) && e.getMessage().contains("4242"), e.getMessage());
        assertEquals(List.of(node.dir("pids", "/busy").toString()), cgroups.heldBy("pod1"), "kept for the next attempt");
        Files.delete(procs); // the process exited
        cgroups.release("pod1");
        assertEquals(List.of(), existing("/busy"));
    }

    @Test
    void ownershipSurvivesARestart() throws IOException {
        create("a", "/crash/a");
        create("b", "/crash/b");
        Cgroups restarted = Cgroups.open(node.layout(), CgroupDriver.CGROUPFS, claims, Duration.ZERO);
        restarted.release("a");
        assertEquals(8, existing("/crash").size());
        restarted.release("b");
        assertEquals(List.of(), existing("/crash"));
    }

    @Test
    void afterARestartTheCgroupsOfPodsThatAreGoneAreReleased() throws IOException {
        create("gone", "/recover/gone");
        create("alive", "/recover/alive");
        Cgroups restarted = Cgroups.open(node.layout(), CgroupDriver.CGROUPFS, claims, Duration.ZERO);
        restarted.releaseAllBut(Set.of("alive"));
        assertEquals(List.of(), existing("/recover/gone"));
        assertEquals(8, existing("/recover/alive").size());
    }

    @Test
    void aClaimWrittenBeforeACrashNamesDirectoriesThatMayNotExist() throws IOException {
        // the crash came between the claim and the mkdirs: releasing it is harmless
        create("pod1", "/early");
        for (Path dir : node.layout().dirsOf("/early")) {
            Files.delete(dir);
        }
        cgroups.release("pod1");
        assertEquals(List.of(), cgroups.heldBy("pod1"));
    }

    @Test
    void aFailureHalfwayRemovesWhatTheCallMade() throws IOException {
        write(node.dir("pids", "/blocked"), "a file where a cgroup must go");
        assertThrows(IOException.class, () -> create("pod1", "/blocked/pod1"));
        assertEquals(List.of(), existing("/blocked").stream().filter(d -> !d.startsWith(node.dir("pids", ""))).toList());
        assertTrue(Files.isRegularFile(node.dir("pids", "/blocked")), "not ours: untouched");
        assertEquals(List.of(), cgroups.heldBy("pod1"));
    }

    @Test
    void limitsThatCannotBeSetUndoTheCreation() {
        IOException e = assertThrows(IOException.class,
                () -> cgroups.createPodCgroup("pod1", "/limited", CgroupLimits.NONE.withMemory(64L << 20, null)));
        assertTrue(e.getMessage().contains("memory.limit_in_bytes"), e.getMessage());
        assertEquals(List.of(), existing("/limited"));
        assertEquals(List.of(), cgroups.heldBy("pod1"));
    }

    @Test
    void noParentMeansNoPodCgroupAndABadOneIsRefusedBeforeAnythingIsMade() throws IOException {
        assertTrue(cgroups.createPodCgroup("pod1", "", CgroupLimits.NONE).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> create("pod1", "/a/../../../etc"));
        assertThrows(IllegalArgumentException.class, () -> create("pod1", "relative"));
        assertFalse(Files.exists(claims.resolve("pod1")));
    }

    @Test
    void releasingTwiceOrWithoutAClaimIsFine() throws IOException {
        cgroups.release("never");
        create("pod1", "/twice");
        cgroups.release("pod1");
        cgroups.release("pod1");
    }
}
