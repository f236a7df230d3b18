package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RemoveContainer after the exit's own delete must cost no runtime process: {@link OciRuntime#delete}
 * looks for the runtime's state directory first, and forks only when there is one.
 */
class OciRuntimeDeleteTest {

    @TempDir
    Path dir;

    private OciRuntime runtime(Path marker) throws IOException {
        Path binary = dir.resolve("fake-runc");
        Files.writeString(binary, "#!/bin/sh\necho \"$@\" >> " + marker + "\n");
        Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwx------"));
        return new OciRuntime("runc", binary, Files.createDirectories(dir.resolve("root")), false, RuntimeFeatures.UNREPORTED);
    }

    @Test
    void aContainerTheRuntimeNoLongerKnowsIsNotDeletedAgain() throws IOException {
        Path marker = dir.resolve("calls");
        runtime(marker).delete("0123abcd");
        assertFalse(Files.exists(marker), "no runtime process for a container without state");
    }

    @Test
    void aContainerWithStateIsDeletedByTheRuntime() throws IOException {
        Path marker = dir.resolve("calls");
        OciRuntime runtime = runtime(marker);
        Files.createDirectories(dir.resolve("root").resolve("0123abcd"));
        runtime.delete("0123abcd");
        assertTrue(Files.readString(marker).contains("delete --force 0123abcd"));
    }
}
