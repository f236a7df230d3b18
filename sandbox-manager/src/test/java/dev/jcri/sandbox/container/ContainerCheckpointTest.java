package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.errors.JcriException;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * CheckpointContainer's checks and its path to the runtime, against {@link FakeRuntime} and a
 * real snapshotter: every refusal comes before the runtime is asked, and a working checkpoint
 * leaves the container running and an archive at the location.
 */
class ContainerCheckpointTest {

    @TempDir
    Path dir;
    private FakePodFixture fixture;
    private Path root;
    private ContainerPaths paths;
    private OverlaySnapshotter snapshots;
    private FakeRuntime runtime;
    private ContainerManager manager;
    private String running;

    @BeforeEach
    void startOneContainer() throws IOException {
        fixture = new FakePodFixture(dir, Optional::empty);
        root = fixture.root;
        paths = fixture.paths;
        snapshots = fixture.snapshots;
        runtime = fixture.runtime;
        manager = fixture.manager;
        running = manager.create(FakePodFixture.POD, Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("c")).addCommand("/bin/true").build(),
                FakePodFixture.IMAGE);
        manager.start(running);
    }

    @AfterEach
    void unmount() throws IOException {
        fixture.close();
    }

    private ContainerCheckpoint checkpoints(Optional<String> criuUnsupported) throws IOException {
        ContainerRecords records = new ContainerRecords(root);
        records.load();
        return new ContainerCheckpoint(records, fixture.runtimes(), paths, snapshots,
                () -> criuUnsupported);
    }

    @Test
    void whereCriuWorksTheArchiveIsWrittenAndTheContainerRunsOn() throws IOException {
        Files.writeString(snapshots.contentDirectory(running).resolve("written-by-container"), "x");
        Path archive = dir.resolve("ckpt.tar");
        checkpoints(Optional.empty()).checkpoint(running, archive.toString());

        Path unpacked = Files.createDirectories(dir.resolve("unpacked"));
        CheckpointArchive.read(archive, unpacked);
        assertEquals("fake image of " + running, Files.readString(unpacked.resolve("checkpoint/inventory.img")));
        assertTrue(Files.size(unpacked.resolve(CheckpointArchive.ROOTFS_DIFF)) > 0);
        assertEquals(Files.readString(paths.config(running)), Files.readString(unpacked.resolve(CheckpointArchive.SPEC_DUMP)));
        assertEquals(ContainerState.RUNNING, manager.find(running).state());
        assertFalse(Files.exists(runtime.checkpoints.get(running)), "CRIU's image directory is deleted once archived");
    }

    @Test
    void whereCriuDoesNotWorkTheReasonIsGivenAndNothingIsTouched() throws IOException {
        Path archive = dir.resolve("ckpt.tar");
        JcriException e = assertThrows(JcriException.class,
                () -> checkpoints(Optional.of("criu check failed: vdso")).checkpoint(running, archive.toString()));
        assertEquals(JcriException.Kind.FAILED_PRECONDITION, e.kind());
        assertTrue(e.getMessage().contains("vdso"), e.getMessage());
        assertTrue(runtime.checkpoints.isEmpty(), "the runtime was not asked");
        assertFalse(Files.exists(archive));
    }

    @Test
    void badLocationsAreRefusedNamingTheField() throws IOException {
        ContainerCheckpoint c = checkpoints(Optional.empty());
        for (String bad : List.of("", "relative/ckpt.tar", "/no/such/dir/ckpt.tar", dir.toString(), "/tmp/a\0b")) {
            JcriException e = assertThrows(JcriException.class, () -> c.checkpoint(running, bad), bad);
            assertEquals(JcriException.Kind.INVALID_ARGUMENT, e.kind(), bad);
            assertTrue(e.getMessage().contains("location"), e.getMessage());
        }
        assertTrue(runtime.checkpoints.isEmpty());
    }

    @Test
    void unknownOrStoppedContainersAreRefusedBeforeCriuIsAsked() throws IOException {
        ContainerRecords records = new ContainerRecords(root);
        records.load();
        ContainerCheckpoint c = new ContainerCheckpoint(records, fixture.runtimes(), paths,
                snapshots, () -> {
                    throw new AssertionError("criu asked before the container was checked");
                });
        String where = dir.resolve("ckpt.tar").toString();
        assertEquals(JcriException.Kind.NOT_FOUND,
                assertThrows(JcriException.class, () -> c.checkpoint("f".repeat(64), where)).kind());
        manager.stop(running, java.time.Duration.ZERO);
        ContainerRecords after = new ContainerRecords(root);
        after.load();
        ContainerCheckpoint stopped = new ContainerCheckpoint(after, fixture.runtimes(), paths,
                snapshots, () -> Optional.empty());
        JcriException e = assertThrows(JcriException.class, () -> stopped.checkpoint(running, where));
        assertEquals(JcriException.Kind.FAILED_PRECONDITION, e.kind());
        assertTrue(e.getMessage().contains("not running"), e.getMessage());
    }
}
