package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
    @TempDir
    Path dir;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void createDirectoriesMakesEveryNewDirectoryPrivateAndLeavesExistingOnesAlone() throws IOException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path deep = PrivateFiles.createDirectories(dir.resolve("a/b/c"));
        assertEquals("rwx------", mode(dir.resolve("a")));
        assertEquals("rwx------", mode(dir.resolve("a/b")));
        assertEquals("rwx------", mode(deep));
        assertEquals("rwxr-xr-x", mode(dir), "an existing ancestor is not ours to change");

        Files.setPosixFilePermissions(deep, PosixFilePermissions.fromString("rwxr-x---"));
        PrivateFiles.createDirectories(deep);
        assertEquals("rwxr-x---", mode(deep), "createDirectories does not repair; ensureDirectory does");
    }

    @Test
    void createDirectoriesWithAModeAndItsFailures() throws IOException {
        assertEquals("rwxr-xr-x", mode(PrivateFiles.createDirectories(dir.resolve("layer/fs"), 0755)));
        Files.writeString(dir.resolve("file"), "x");
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.createDirectories(dir.resolve("file")));
        assertThrows(IOException.class, () -> PrivateFiles.createDirectories(dir.resolve("file/below")));
        assertThrows(IllegalArgumentException.class, () -> PrivateFiles.createDirectories(dir.resolve("suid"), 04755));
    }

    @Test
    void ensureDirectoryRepairsWhatAnOlderVersionMadeAndNeverWidens() throws IOException {
        Path old = Files.createDirectory(dir.resolve("snapshots"));
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
        PrivateFiles.ensureDirectory(old);
        assertEquals("rwx------", mode(old));

        Path root = Files.createDirectory(dir.resolve("root"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxrwxr-x"));
        PrivateFiles.ensureDirectory(root, 0711);
        assertEquals("rwx--x--x", mode(root));

        Path tighter = Files.createDirectory(dir.resolve("tighter"));
        Files.setPosixFilePermissions(tighter, PosixFilePermissions.fromString("rwx------"));
        PrivateFiles.ensureDirectory(tighter, 0711);
        assertEquals("rwx------", mode(tighter), "an operator's stricter choice stays");

        assertEquals("rwx--x--x", mode(PrivateFiles.ensureDirectory(dir.resolve("new"), 0711)));
    }

    @Test
    void filesAreCreatedWithTheirModeAndNeverOverAnExistingNameOrThroughASymlink() throws IOException {
        Path secret = PrivateFiles.createFile(dir.resolve("config.json"));
        assertEquals("rw-------", mode(secret));
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.createFile(secret));

        Path target = Files.writeString(dir.resolve("target"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.newFile(link, 0600));
        Files.delete(target);
        assertThrows(FileAlreadyExistsException.class, () -> PrivateFiles.newFile(link, 0600), "not even a dangling one");
        assertFalse(Files.exists(target));

        try (var ch = PrivateFiles.newFile(dir.resolve("hosts"), 0644)) {
            ch.write(java.nio.ByteBuffer.wrap("127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII)));
        }
        assertEquals("rw-r--r--", mode(dir.resolve("hosts")));
    }

    @Test
    void openOrCreateFileMakesANewFilePrivateAndRestrictsAnOldOne() throws IOException {
        Path lock = dir.resolve("jcri.sock.lock");
        PrivateFiles.openOrCreateFile(lock).close();
        assertEquals("rw-------", mode(lock));
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-r--r--"));
        try (var ch = PrivateFiles.openOrCreateFile(lock)) {
            assertTrue(ch.isOpen());
        }
        assertEquals("rw-------", mode(lock));
        Path link = Files.createSymbolicLink(dir.resolve("link"), lock);
        assertThrows(IOException.class, () -> PrivateFiles.openOrCreateFile(link));
    }

    @Test
    void restrictTakesBitsAwayNeverAddsAndLeavesSymlinksAndMissingPathsAlone() throws IOException {
        Path f = Files.writeString(dir.resolve("pod.json"), "{}");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(PrivateFiles.restrict(f, 0600));
        assertEquals("rw-------", mode(f));
        assertFalse(PrivateFiles.restrict(f, 0600));

        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
        assertFalse(PrivateFiles.restrict(f, 0600));
        assertEquals("r--------", mode(f), "never widened");

        PosixFiles.chmod(f, 04755);
        assertTrue(PrivateFiles.restrict(f, 0700));
        assertEquals(0700, PosixFiles.lstat(f).permissions(), "setuid is not a permission state keeps");

        Path outside = Files.writeString(dir.resolve("outside"), "x");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), outside);
        assertFalse(PrivateFiles.restrict(link, 0600));
        assertEquals("rw-r--r--", mode(outside), "a symlink's target is not touched");

        assertFalse(PrivateFiles.restrict(dir.resolve("missing"), 0600));
    }

    /**
     * Under a restrictive umask (077) the kernel makes entries more private than asked: the asked
     * mode is put back, so a pod's hosts file stays readable by containers' users. Run in a child
     * JVM, as the umask is per process and read once.
     */
    @Test
    void modesAreExactUnderARestrictiveUmask() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder("/bin/sh", "-c", "umask 077; exec \"$@\"", "sh", java.toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                UmaskChild.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), out);
        assertEquals("rwxr-xr-x", mode(dir.resolve("fs")));
        assertEquals("rw-r--r--", mode(dir.resolve("hosts")));
        assertEquals("rw-------", mode(dir.resolve("private")));
    }

    /** The child of {@link #modesAreExactUnderARestrictiveUmask}. */
    static final class UmaskChild {
        public static void main(String[] args) throws IOException {
            Path dir = Path.of(args[0]);
            if (PosixFiles.umask() != 077) {
                throw new IllegalStateException("umask is " + Integer.toOctalString(PosixFiles.umask()));
            }
            PrivateFiles.createDirectories(dir.resolve("fs"), 0755);
            AtomicFiles.write(dir.resolve("hosts"), 0644, "127.0.0.1 localhost\n".getBytes(StandardCharsets.US_ASCII));
            AtomicFiles.write(dir.resolve("private"), "x".getBytes(StandardCharsets.US_ASCII));
        }
    }
}
