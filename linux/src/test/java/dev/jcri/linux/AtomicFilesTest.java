package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplaces() throws IOException {
        Path f = dir.resolve("state.json");
        AtomicFiles.write(f, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(f, out -> {
            out.write("{\"a\":2}".getBytes(StandardCharsets.UTF_8));
            out.close(); // as Jackson does: must not break the sync that follows
        });
        assertEquals("{\"a\":2}", Files.readString(f));
        assertEquals(List.of(f), listDir());
    }

    @Test
    void failedWriterKeepsOldContentAndLeavesNoTemp() throws IOException {
        Path f = dir.resolve("state.json");
        AtomicFiles.write(f, "old".getBytes(StandardCharsets.UTF_8));
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("serializer failed");
        }));
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(f), listDir());
    }

    @Test
    void filesArePrivateUnlessAModeIsGivenAndRewritingRepairsAnOldMode() throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{}");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--")); // as an older version left it
        AtomicFiles.write(f, "{\"env\":[\"TOKEN=x\"]}".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));

        Path hosts = dir.resolve("hosts");
        AtomicFiles.write(hosts, 0644, "127.0.0.1 localhost\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(hosts)));
    }

    private List<Path> listDir() throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }
}
