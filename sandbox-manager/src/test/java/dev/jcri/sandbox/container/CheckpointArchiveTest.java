package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.json.Json;
import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint archive written and read back: CRI-O's layout, no criu needed. */
class CheckpointArchiveTest {

    @TempDir
    Path dir;

    private static final CheckpointArchive.ContainerInfo INFO = new CheckpointArchive.ContainerInfo("c".repeat(64), "web",
            "nginx", "sha256:abc", "docker.io/library/nginx:latest", "runc", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");

    /** A CRIU image dir and an overlay upper dir with a file, a nested file, a symlink and a whiteout. */
    private Path written() throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Files.writeString(images.resolve("inventory.img"), "inv");
        Files.writeString(images.resolve("dump.log"), "log");
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Files.writeString(Files.createDirectories(upper.resolve("etc/app")).resolve("conf"), "changed");
        Files.writeString(upper.resolve("new"), "n");
        Files.createSymbolicLink(upper.resolve("link"), Path.of("/etc/passwd"));
        PosixFiles.mknod(upper.resolve("etc/removed"), FileStatus.S_IFCHR, 0, 0, 0);
        Path archive = dir.resolve("out/checkpoint.tar");
        Files.createDirectories(archive.getParent());
        CheckpointArchive.write(archive, images, INFO, "{\"ociVersion\":\"1.0.2\"}".getBytes(StandardCharsets.UTF_8), upper);
        return archive;
    }

    @Test
    void writtenArchiveReadsBackInCriOsLayout() throws IOException {
        Path archive = written();
        Path into = Files.createDirectories(dir.resolve("read"));
        CheckpointArchive.read(archive, into);

        assertEquals("inv", Files.readString(into.resolve("checkpoint/inventory.img")));
        assertEquals("log", Files.readString(into.resolve("checkpoint/dump.log")));
        assertEquals("{\"ociVersion\":\"1.0.2\"}", Files.readString(into.resolve(CheckpointArchive.SPEC_DUMP)));
        JsonNode config = Json.reader().readTree(Files.readAllBytes(into.resolve(CheckpointArchive.CONFIG_DUMP)));
        assertEquals(INFO.id(), config.path("id").asText());
        assertEquals("web", config.path("name").asText());
        assertEquals("nginx", config.path("rootfsImage").asText());
        assertEquals("sha256:abc", config.path("rootfsImageRef").asText());
        assertEquals("docker.io/library/nginx:latest", config.path("rootfsImageName").asText());
        assertEquals("runc", config.path("runtime").asText());
        assertEquals("2026-01-02T00:00:00Z", config.path("checkpointedTime").asText());
        assertEquals(List.of("etc/removed"), CheckpointArchive.deletedFiles(into));

        Map<String, TarArchiveEntry> diff = entries(into.resolve(CheckpointArchive.ROOTFS_DIFF));
        assertEquals(List.of("etc/", "etc/app/", "etc/app/conf", "link", "new"), diff.keySet().stream().sorted().toList());
        assertTrue(diff.get("link").isSymbolicLink());
        assertEquals("/etc/passwd", diff.get("link").getLinkName());
        assertEquals(7, diff.get("etc/app/conf").getSize());
        try (var left = Files.list(archive.getParent())) {
            assertEquals(List.of(archive), left.toList(), "no temp file is left beside the archive");
        }
    }

    @Test
    void archiveMembersAreRelativeAndImagesUnderCheckpoint() throws IOException {
        Map<String, TarArchiveEntry> top = entries(written());
        assertTrue(top.keySet().containsAll(List.of("checkpoint/", "checkpoint/inventory.img", "config.dump", "spec.dump",
                "rootfs-diff.tar", "deleted.files")), top::toString);
        assertFalse(top.keySet().stream().anyMatch(n -> n.startsWith("/") || n.contains("..")));
    }

    @Test
    void readingRefusesAnEntryThatLeavesTheDirectory() throws IOException {
        Path evil = dir.resolve("evil.tar");
        try (OutputStream out = Files.newOutputStream(evil); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("checkpoint/../../escaped");
            e.setSize(1);
            tar.putArchiveEntry(e);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        Path into = Files.createDirectories(dir.resolve("a/b"));
        IOException e = assertThrows(IOException.class, () -> CheckpointArchive.read(evil, into));
        assertTrue(e.getMessage().contains("leaves the archive"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("a/escaped")));
    }

    @Test
    void readingRefusesSymlinks() throws IOException {
        Path evil = dir.resolve("link.tar");
        try (OutputStream out = Files.newOutputStream(evil); TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("checkpoint", TarArchiveEntry.LF_SYMLINK);
            e.setLinkName("/etc");
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }
        Path into = Files.createDirectories(dir.resolve("into"));
        assertThrows(IOException.class, () -> CheckpointArchive.read(evil, into));
        assertFalse(Files.exists(into.resolve("checkpoint")));
    }

    private static Map<String, TarArchiveEntry> entries(Path tarFile) throws IOException {
        Map<String, TarArchiveEntry> found = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tarFile); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                found.put(e.getName(), e);
            }
        }
        return found;
    }
}
