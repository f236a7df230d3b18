package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.MountInfo;
import dev.jcri.sandbox.cgroup.CgroupDriver;
import dev.jcri.sandbox.cgroup.CgroupLayout;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.pod.PodPaths;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodRegistry;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.spec.ImageConfig;
import dev.jcri.sandbox.util.RecordStore;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * The container life cycle against a runtime that fails at a chosen step: every failure and every
 * crash goes through the one teardown, which leaves no record, bundle, mount or snapshot behind,
 * or keeps the record (invisible) until a later attempt can finish. Real snapshotter (overlay
 * mounts: needs root, as every test machine of this project has), fake runtime.
 */
class ContainerTeardownTest {

    private static final String LAYER = "sha256:empty";

    @TempDir
    Path dir;
    private Path root;
    private ContainerPaths paths;
    private OverlaySnapshotter snapshots;
    private PodRegistry pods;
    private Cgroups cgroups;
    private FakeRuntime runtime;
    private ContainerManager manager;
    private String podId;

    @BeforeEach
    void setUp() throws IOException {
        root = dir.resolve("root");
        paths = new ContainerPaths(dir.resolve("state"));
        snapshots = OverlaySnapshotter.open(root.resolve("snapshots"));
        snapshots.applyLayer(LAYER, null, new ByteArrayInputStream(new byte[1024])); // an empty tar
        podId = "p".repeat(64);
        RecordStore<PodRecord> podStore = new RecordStore<>(PodPaths.recordsDir(root), "pod.json", PodRecord.class,
                PodRecord::id);
        podStore.save(new PodRecord(podId, "pod", "ns", "uid", 0, PodState.READY, 1, "fake",
                Api.PodSandboxConfig.newBuilder().setMetadata(Api.PodSandboxMetadata.newBuilder().setName("pod")
                        .setNamespace("ns").setUid("uid")).build().toByteArray(), List.of(), List.of(), null));
        pods = new PodRegistry(root, dir.resolve("state"));
        pods.load();
        cgroups = Cgroups.open(CgroupLayout.detect(), CgroupDriver.CGROUPFS, dir.resolve("state/cgroups"));
        runtime = new FakeRuntime(paths);
        manager = newManager();
    }

    private final List<ContainerManager> started = new java.util.ArrayList<>();

    @AfterEach
    void unmountAll() throws IOException {
        for (ContainerManager m : started) {
            m.close();
        }
        for (MountInfo m : MountInfo.under(dir)) {
            dev.jcri.linux.Mounts.unmountIfMounted(m.mountPoint(), dev.jcri.linux.MountFlags.MNT_DETACH);
        }
    }

    private ContainerManager newManager() throws IOException {
        ContainerManager m = new ContainerManager(root, paths, pods, snapshots, new ContainerRuntimes(Map.of("fake", runtime)),
                cgroups, java.util.List.of());
        started.add(m);
        return m;
    }

    private static Api.ContainerConfig config(String name) {
        return Api.ContainerConfig.newBuilder().setMetadata(Api.ContainerMetadata.newBuilder().setName(name))
                .setImage(Api.ImageSpec.newBuilder().setImage("img")).addCommand("/bin/true").build();
    }

    private static ContainerImage image() {
        return new ContainerImage("img", "sha256:id", "img@sha256:id", LAYER,
                new ImageConfig(List.of(), List.of(), List.of(), "", "", List.of(), "", Map.of()));
    }

    /** Nothing of any container is left: records, bundles, writable snapshots, mounts, exit files. */
    private void assertNothingLeft() throws IOException {
        assertEquals(List.of(), manager.list());
        try (var bundles = Files.list(paths.bundles())) {
            assertEquals(List.of(), bundles.toList());
        }
        manager.awaitTrashEmptied();
        if (Files.exists(paths.bundleTrash())) {
            try (var trash = Files.list(paths.bundleTrash())) {
                assertEquals(List.of(), trash.toList(), "bundles left in the trash");
            }
        }
        assertTrue(snapshots.list().stream().allMatch(s -> s.key().equals(LAYER)), () -> "snapshots: " + snapshots.list());
        assertEquals(List.of(), MountInfo.under(dir));
        assertFalse(hasRecords(), "a container record is left");
    }

    private boolean hasRecords() throws IOException {
        if (!Files.exists(root.resolve("containers"))) {
            return false;
        }
        try (var records = Files.list(root.resolve("containers"))) {
            return records.findAny().isPresent();
        }
    }

    @Test
    void aCreateThatFailsInTheRuntimeLeavesNothingAndFreesTheName() throws IOException {
        runtime.failing("create", 1);
        IOException e = assertThrows(IOException.class, () -> manager.create(podId, config("c"), image()));
        assertTrue(e.getMessage().contains("fake runtime: create"), e.getMessage());
        assertNothingLeft();
        String id = manager.create(podId, config("c"), image()); // the name was released
        assertEquals(ContainerState.CREATED, manager.find(id).state());
    }

    @Test
    void aTeardownThatCannotFinishKeepsTheRecordHiddenUntilTheNextStart() throws IOException {
        runtime.failing("create", 1).failing("delete", 1);
        assertThrows(IOException.class, () -> manager.create(podId, config("c"), image()));
        assertEquals(List.of(), manager.list(), "a container being created is never listed");
        assertTrue(hasRecords(), "the record stays for a later attempt");

        manager = newManager(); // the next start finishes it
        manager.recover();
        assertNothingLeft();
    }

    @Test
    void aCreateCutByACrashIsTornDownAtTheNextStart() throws IOException {
        String id = manager.create(podId, config("c"), image());
        ContainerRecord created = manager.find(id);
        // what a crash in the middle of CreateContainer leaves: the CREATING record, a mounted snapshot, a bundle
        new RecordStore<>(root.resolve("containers"), "container.json", ContainerRecord.class, ContainerRecord::id)
                .save(new ContainerRecord(id, created.podId(), created.name(), 0, ContainerState.CREATING,
                        created.createdAtNanos(), 0, 0, 0, "", "", 0, "fake", "img", "sha256:id", "img@sha256:id", null, 0,
                        created.config(), null, null));
        manager = newManager();
        manager.recover();
        assertNothingLeft();
        assertTrue(runtime.deleted.contains(id), "the runtime was told to forget it");
    }

    @Test
    void aWritableSnapshotNoRecordOwnsIsSweptAtStart() throws IOException {
        snapshots.prepare("orphan", LAYER, Map.of(ContainerTeardown.SNAPSHOT_LABEL, "orphan"));
        manager.recover();
        assertNothingLeft();
    }

    @Test
    void aRemoveThatFailsHalfWayCanBeRepeatedToTheEnd() throws IOException {
        String id = manager.create(podId, config("c"), image());
        runtime.failing("delete", 2); // the exit's own delete (only logged), then the teardown's
        assertThrows(IOException.class, () -> manager.remove(id));
        assertEquals(List.of(), manager.list(), "a container being removed is not listed");
        assertTrue(Files.exists(root.resolve("containers").resolve(id)), "its record stays while something is left");
        manager.remove(id); // kubelet's retry finishes it
        assertNothingLeft();
    }

    /** A kill -9 while removed bundles still waited in the trash: the next start deletes them. */
    @Test
    void aBundleTrashACrashLeftIsEmptiedAtTheNextStart() throws IOException {
        Path left = Files.createDirectories(paths.bundleTrash().resolve("c".repeat(64) + "-0123456789abcdef").resolve("rootfs"));
        Files.writeString(left.resolveSibling("config.json"), "{}");
        manager = newManager();
        manager.recover();
        assertNothingLeft();
    }

    /**
     * A bundle that still holds a mount (something outside jcri's teardown mounted there) is
     * neither renamed nor deleted through: the removal fails, the record stays for a retry, and
     * what the mount holds is intact.
     */
    @Test
    void aBundleThatStillHoldsAMountIsNotDiscarded() throws IOException {
        String id = manager.create(podId, config("c"), image());
        Path held = Files.createDirectories(paths.bundle(id).resolve("held"));
        dev.jcri.linux.Mounts.mount("held", held, "tmpfs", 0, "size=1m");
        Files.writeString(held.resolve("precious"), "data");
        IOException e = assertThrows(IOException.class, () -> manager.remove(id));
        assertTrue(e.getMessage().contains("bundle"), e.getMessage());
        manager.awaitTrashEmptied();
        assertEquals("data", Files.readString(held.resolve("precious")));
        assertTrue(Files.exists(root.resolve("containers").resolve(id)), "its record stays while something is left");
        dev.jcri.linux.Mounts.unmount(held, 0);
        manager.remove(id); // the retry finishes
        assertNothingLeft();
    }

    @Test
    void aRemoveCutByACrashIsFinishedAtTheNextStart() throws IOException {
        String id = manager.create(podId, config("c"), image());
        runtime.failing("delete", 2); // stands for the crash: the removal stops after marking the record
        assertThrows(IOException.class, () -> manager.remove(id));
        manager = newManager();
        manager.recover();
        assertNothingLeft();
    }

    @Test
    void startingAContainerThatAConcurrentStopEndedIsTheCallersRace() throws IOException {
        String id = manager.create(podId, config("c"), image());
        runtime.monitorAlive = false; // its exit is not recorded yet when StartContainer runs
        runtime.exit(id, 137);
        runtime.failing("start", 1);
        dev.jcri.errors.JcriException e = assertThrows(dev.jcri.errors.JcriException.class, () -> manager.start(id));
        assertEquals(dev.jcri.errors.JcriException.Kind.FAILED_PRECONDITION, e.kind());
    }

    @Test
    void stopDoesNotWaitForAnExitNoMonitorWillReport() throws IOException {
        String id = manager.create(podId, config("c"), image());
        manager.start(id);
        runtime.monitorAlive = false; // conmon was killed: no exit file will ever come
        manager.stop(id, Duration.ofSeconds(30));
        ContainerRecord stopped = manager.find(id);
        assertEquals(ContainerState.EXITED, stopped.state());
        assertEquals(255, stopped.exitCode());
        assertEquals("Unknown", stopped.reason());
    }

    @Test
    void aMonitorThatReportedTheExitAndThenEndedIsNotTakenForALostExit() throws IOException {
        String id = manager.create(podId, config("c"), image());
        manager.start(id);
        manager.close(); // the watcher would record the report first: here only Stop's own check can
        runtime.monitorAlive = false;
        runtime.exit(id, 3);
        Files.writeString(paths.exitFile(id), "3"); // conmon wrote the code, then exited, as it always does
        manager.stop(id, Duration.ofSeconds(30));
        ContainerRecord stopped = manager.find(id);
        assertEquals(3, stopped.exitCode(), "the reported code, not 255");
        assertEquals("Error", stopped.reason());
    }

    @Test
    void anExitedContainersRuntimeStateIsDeletedBeforeStopReturns() throws IOException {
        String id = manager.create(podId, config("c"), image());
        manager.start(id);
        manager.stop(id, Duration.ofSeconds(30));
        assertTrue(runtime.deleted.contains(id), "deleted at its exit, as containerd deletes a task: Remove has no runtime call left");
        assertEquals(ContainerState.EXITED, manager.find(id).state(), "the record stays until RemoveContainer");
        manager.remove(id);
        assertNothingLeft();
    }

    @Test
    void aFailedDeleteAtTheExitIsRetriedByRemove() throws IOException {
        String id = manager.create(podId, config("c"), image());
        manager.start(id);
        runtime.failing("delete", 1);
        manager.stop(id, Duration.ofSeconds(30));
        assertFalse(runtime.deleted.contains(id), "the exit's delete failed");
        assertEquals(ContainerState.EXITED, manager.find(id).state(), "the exit is recorded all the same");
        manager.remove(id);
        assertTrue(runtime.deleted.contains(id), "RemoveContainer's teardown deleted it");
        assertNothingLeft();
    }

    @Test
    void anExitReportedByTheMonitorIsRecordedWithItsCode() throws IOException {
        String id = manager.create(podId, config("c"), image());
        manager.start(id);
        manager.stop(id, Duration.ofSeconds(30));
        ContainerRecord stopped = manager.find(id);
        assertEquals(ContainerState.EXITED, stopped.state());
        assertEquals(128 + 15, stopped.exitCode());
    }

    @Test
    void aCreateInAPodThatIsNotReadyIsRefusedAndChangesNothing() throws IOException {
        RecordStore<PodRecord> podStore = new RecordStore<>(PodPaths.recordsDir(root), "pod.json", PodRecord.class,
                PodRecord::id);
        PodRecord pod = pods.find(podId);
        podStore.save(pod.withState(PodState.STOPPED));
        pods = new PodRegistry(root, dir.resolve("state"));
        pods.load();
        manager = newManager();
        assertThrows(dev.jcri.errors.JcriException.class, () -> manager.create(podId, config("c"), image()));
        assertNothingLeft();
    }
}
