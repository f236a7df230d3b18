package dev.jcri.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoriesTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static Path dirWithMode(Path p, String mode) throws IOException {
        Files.createDirectories(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        return p;
    }

    @Test
    void freshRootIsPrivateAndTheStateHoldingTheSocketIsOnlySearchable() throws IOException {
        Path root = dir.resolve("lib/jcri");
        Path state = dir.resolve("run/jcri");
        StateDirectories.secure(root, state, state.resolve("jcri.sock"));
        assertEquals("rwx------", mode(root));
        assertEquals("rwx--x--x", mode(state));
    }

    @Test
    void whatAnOlderVersionLeftOpenBecomesPrivateButNotTheSocketOrTheWayToIt() throws IOException {
        Path root = dirWithMode(dir.resolve("root"), "rwx--x--x");
        Path state = dirWithMode(dir.resolve("state"), "rwxr-xr-x");
        Path snapshots = dirWithMode(root.resolve("snapshots"), "rwxr-xr-x");
        Path unknown = dirWithMode(root.resolve("from-a-future-version"), "rwxrwxr-x");
        Path record = Files.writeString(root.resolve("images.json"), "{}");
        Files.setPosixFilePermissions(record, PosixFilePermissions.fromString("rw-r--r--"));
        Path bundles = dirWithMode(state.resolve("containers"), "rwxr-xr-x");
        Path socketDir = dirWithMode(state.resolve("sock"), "rwx--x--x"); // --socket STATE/sock/jcri.sock
        Path outside = Files.writeString(dir.resolve("outside"), "x");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(state.resolve("link"), outside);

        StateDirectories.secure(root, state, socketDir.resolve("jcri.sock"));

        assertEquals("rwx------", mode(root));
        assertEquals("rwx--x--x", mode(state), "on the way to the socket");
        assertEquals("rwx------", mode(snapshots));
        assertEquals("rwx------", mode(unknown));
        assertEquals("rw-------", mode(record));
        assertEquals("rwx------", mode(bundles));
        assertEquals("rwx--x--x", mode(socketDir), "the socket's own directory is the socket server's");
        assertEquals("rw-r--r--", mode(outside), "a symlink's target is not touched");
    }
}
