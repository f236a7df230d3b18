package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.errors.JcriException;
import dev.jcri.json.Json;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * Restoring a container from a checkpoint archive (CreateContainer whose image is the archive's
 * path), against {@link FakeRuntime} and a real snapshotter: the archive's changes land in the new
 * writable snapshot, CRIU's images reach the runtime's restore at StartContainer, and a hostile
 * archive is refused before anything is made (each case failed, or was accepted, before the
 * checks in {@link CheckpointSource}).
 */
class ContainerRestoreTest {

    private static final String POD = FakePodFixture.POD;
    private static final ContainerImage IMAGE = FakePodFixture.IMAGE;

    @TempDir
    Path dir;
    private FakePodFixture fixture;
    private ContainerPaths paths;
    private OverlaySnapshotter snapshots;
    private FakeRuntime runtime;
    private ContainerManager manager;
    private Optional<String> criu = Optional.empty();
    private final List<String> lookedUp = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        fixture = new FakePodFixture(dir, () -> criu);
        paths = fixture.paths;
        snapshots = fixture.snapshots;
        runtime = fixture.runtime;
        manager = fixture.manager;
    }

    @AfterEach
    void unmount() throws IOException {
        fixture.close();
    }

    private String restore(Path archive) throws Exception {
        return restore(archive, Api.ContainerConfig.newBuilder().setMetadata(Api.ContainerMetadata.newBuilder()
                .setName("restored")));
    }

    private String restore(Path archive, Api.ContainerConfig.Builder config) throws Exception {
        config.getImageBuilder().setImage(archive.toString());
        return manager.restore(POD, config.build(), Map.of(), ref -> {
            lookedUp.add(ref);
            return IMAGE;
        });
    }

    /** A checkpoint of a running container, written by the real CheckpointContainer path (FakeRuntime's CRIU). */
    private Path checkpointOfARunningContainer() throws Exception {
        String id = manager.create(POD, Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("c")).addCommand("/bin/counter").addArgs("--from=7")
                .build(), IMAGE);
        manager.start(id);
        Path upper = snapshots.contentDirectory(id);
        Files.writeString(upper.resolve("written-by-container"), "42");
        Files.createDirectories(upper.resolve("var/lib/app"));
        Files.writeString(upper.resolve("var/lib/app/state"), "counting");
        Path archive = dir.resolve("ckpt.tar");
        manager.checkpoint(id, archive.toString());
        manager.remove(id);
        return archive;
    }

    @Test
    void aRestoredContainerHasTheCheckpointsFilesAndItsProcessesComeBackAtStart() throws Exception {
        Path archive = checkpointOfARunningContainer();
        String id = restore(archive);

        assertEquals(List.of("sha256:id"), lookedUp, "the checkpointed image, looked up in the image store");
        ContainerRecord created = manager.find(id);
        assertEquals(ContainerState.CREATED, created.state());
        assertTrue(runtime.restoredFrom.isEmpty(), "nothing runs before StartContainer");
        assertEquals("42", Files.readString(paths.rootfs(id).resolve("written-by-container")), "the changed files are back");
        assertEquals("counting", Files.readString(paths.rootfs(id).resolve("var/lib/app/state")));
        JsonNode spec = Json.reader().readTree(Files.readAllBytes(paths.config(id)));
        List<String> args = new ArrayList<>();
        spec.path("process").path("args").forEach(a -> args.add(a.asText()));
        assertEquals(List.of("/bin/counter", "--from=7"), args, "the checkpointed command, the request naming none");

        manager.recover(); // a jcri restart between create and start: the container waits for its restore, nothing is lost
        assertEquals(ContainerState.CREATED, manager.find(id).state());

        manager.start(id);
        assertEquals(ContainerState.RUNNING, manager.find(id).state());
        assertEquals(4343, manager.find(id).pid(), "the restored init's pid");
        assertTrue(runtime.restoredFrom.get(id).get("inventory.img").startsWith("fake image of "),
                "CRIU's images reached the restore: " + runtime.restoredFrom.get(id));
        assertFalse(Files.exists(paths.restoreImages(id)), "the staged images are gone once restored");

        manager.stop(id, java.time.Duration.ZERO);
        manager.remove(id);
        assertFalse(Files.exists(paths.bundle(id)));
    }

    @Test
    void whereCriuDoesNotWorkTheReasonIsGivenAndNothingIsMade() throws Exception {
        Path archive = checkpointOfARunningContainer();
        criu = Optional.of("Looks like the kernel lacks vdso support");
        JcriException e = assertThrows(JcriException.class, () -> restore(archive));
        assertEquals(JcriException.Kind.FAILED_PRECONDITION, e.kind());
        assertTrue(e.getMessage().contains("vdso"), e.getMessage());
        assertEquals(List.of(), manager.list(), "no record");
        assertEquals(List.of(), lookedUp, "not even the image was looked up");
        try (var bundles = Files.list(paths.bundles())) {
            assertEquals(List.of(), bundles.toList(), "no bundle");
        }
    }

    @Test
    void theArchiveNeverDecidesMountsNamespacesOrIdentity() throws Exception {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("process", Map.of("args", List.of("/bin/sh"), "cwd", "/", "user", Map.of("uid", 0)));
        spec.put("mounts", List.of(Map.of("destination", "/host-etc", "type", "bind", "source", "/etc",
                "options", List.of("rbind", "rw"))));
        spec.put("linux", Map.of("namespaces", List.of(Map.of("type", "network", "path", "/proc/1/ns/net"))));
        Path archive = archive(tar -> {
            file(tar, "config.dump", json(Map.of("rootfsImageRef", "sha256:id", "id", "f".repeat(64))));
            file(tar, "spec.dump", json(spec));
            file(tar, "checkpoint/inventory.img", "x".getBytes(StandardCharsets.UTF_8));
        });
        String id = restore(archive);
        String written = Files.readString(paths.config(id));
        assertFalse(written.contains("/host-etc"), "no host path from the archive: " + written);
        assertFalse(written.contains("/proc/1/ns/net"), "no namespace from the archive: " + written);
        manager.remove(id);
    }

    @Test
    void hostileArchivesAreRefusedBeforeAnythingIsMade() throws Exception {
        byte[] config = json(Map.of("rootfsImageRef", "sha256:id"));
        byte[] spec = json(Map.of("process", Map.of("args", List.of("/bin/sh"))));
        Map<String, Consumer<TarArchiveOutputStream>> cases = new LinkedHashMap<>();
        cases.put("a member escaping with ..", tar -> {
            valid(tar, config, spec);
            file(tar, "checkpoint/../../../../tmp/escaped", new byte[1]);
        });
        cases.put("an absolute member", tar -> {
            valid(tar, config, spec);
            file(tar, "/etc/escaped", new byte[1]);
        });
        cases.put("a symlink member", tar -> {
            link(tar, "checkpoint", "/etc", TarArchiveEntry.LF_SYMLINK);
            valid(tar, config, spec);
        });
        cases.put("a hard link member", tar -> {
            valid(tar, config, spec);
            link(tar, "checkpoint/pages-1.img", "/etc/shadow", TarArchiveEntry.LF_LINK);
        });
        cases.put("an oversized config.dump", tar -> {
            file(tar, "config.dump", new byte[CheckpointSource.MAX_DOCUMENT_BYTES + 1]);
            valid(tar, config, spec);
        });
        cases.put("an image that is a host path", tar -> valid(tar, json(Map.of("rootfsImageRef", "/etc/passwd")), spec));
        cases.put("no image", tar -> valid(tar, json(Map.of("id", "x")), spec));
        cases.put("no spec.dump", tar -> {
            file(tar, "config.dump", config);
            file(tar, "checkpoint/inventory.img", new byte[1]);
        });
        cases.put("no CRIU images", tar -> {
            file(tar, "config.dump", config);
            file(tar, "spec.dump", spec);
        });
        cases.put("a deleted file outside the root", tar -> {
            valid(tar, config, spec);
            file(tar, "deleted.files", json(List.of("../../etc/passwd")));
        });
        cases.put("spec.dump args that are not strings", tar -> valid(tar, config,
                json(Map.of("process", Map.of("args", List.of(Map.of("a", 1)))))));
        cases.put("a relative cwd", tar -> valid(tar, config, json(Map.of("process", Map.of("cwd", "tmp")))));
        cases.put("not JSON", tar -> valid(tar, "{".getBytes(StandardCharsets.UTF_8), spec));
        int n = 0;
        for (Map.Entry<String, Consumer<TarArchiveOutputStream>> c : cases.entrySet()) {
            Path archive = archive("hostile-" + n++ + ".tar", c.getValue());
            JcriException e = assertThrows(JcriException.class, () -> restore(archive), c.getKey());
            assertEquals(JcriException.Kind.INVALID_ARGUMENT, e.kind(), c.getKey() + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("config.image.image"), c.getKey() + ": " + e.getMessage());
        }
        Path link = Files.createSymbolicLink(dir.resolve("link.tar"), archive("real.tar", tar -> valid(tar, config, spec)));
        assertEquals(JcriException.Kind.INVALID_ARGUMENT, assertThrows(JcriException.class, () -> restore(link)).kind(),
                "the archive's own path is not followed");
        assertEquals(JcriException.Kind.INVALID_ARGUMENT,
                assertThrows(JcriException.class, () -> restore(dir.resolve("missing.tar"))).kind());
        assertEquals(List.of(), manager.list(), "no record");
        assertEquals(List.of(), lookedUp, "no image looked up");
        assertFalse(Files.exists(Path.of("/tmp/escaped")));
    }

    @Test
    void aRootfsDiffCannotWriteOutsideTheNewSnapshot() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        try (TarArchiveOutputStream diff = new TarArchiveOutputStream(inner)) {
            link(diff, "evil", outside.toString(), TarArchiveEntry.LF_SYMLINK);
            file(diff, "evil/pwned", "x".getBytes(StandardCharsets.UTF_8));
            link(diff, "hard", outside.resolve("target").toString(), TarArchiveEntry.LF_LINK);
        }
        Path archive = archive(tar -> {
            valid(tar, json(Map.of("rootfsImageRef", "sha256:id")), json(Map.of()));
            file(tar, "rootfs-diff.tar", inner.toByteArray());
        });
        try {
            String id = restore(archive);
            manager.remove(id);
        } catch (JcriException refused) {
            assertEquals(JcriException.Kind.INVALID_ARGUMENT, refused.kind(), refused.getMessage());
        }
        try (var left = Files.list(outside)) {
            assertEquals(List.of(), left.toList(), "nothing written through the archive's links");
        }
    }

    // ------------------------------------------------------------------ archives

    private Path archive(Consumer<TarArchiveOutputStream> content) throws IOException {
        return archive("ckpt.tar", content);
    }

    private Path archive(String name, Consumer<TarArchiveOutputStream> content) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            content.accept(tar);
        }
        return file;
    }

    private static void valid(TarArchiveOutputStream tar, byte[] config, byte[] spec) {
        file(tar, "config.dump", config);
        file(tar, "spec.dump", spec);
        file(tar, "checkpoint/inventory.img", "x".getBytes(StandardCharsets.UTF_8));
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setSize(content.length);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void link(TarArchiveOutputStream tar, String name, String target, byte type) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setLinkName(target);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] json(Object value) {
        try {
            return Json.writer().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
