package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Escapes a hostile rootfs tries: "..", absolute symlinks, relative symlinks climbing out, chains,
 * loops, /proc magic links, NUL bytes. Every lookup must land inside the root (where the test
 * planted "inside" files) or fail clearly; the host paths the links name are never read or created.
 */
class RootDirectoryTest {
    @TempDir
    Path dir;

    Path root;
    Path outside; // a host directory next to the root, what the escapes aim at
    String unique;

    @BeforeEach
    void plant() throws IOException {
        root = Files.createDirectories(dir.resolve("rootfs"));
        outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host");
        Files.createDirectories(root.resolve(outside.toString().substring(1)));
        Files.writeString(root.resolve(outside.toString().substring(1)).resolve("secret"), "inside");
        unique = "jcri-rootdir-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void noMountsLeft() throws IOException {
        for (MountInfo m : MountInfo.under(dir)) {
            Mounts.unmount(m.mountPoint(), MountFlags.MNT_DETACH);
        }
        assertEquals(List.of(), MountInfo.under(dir));
    }

    private String read(RootDirectory r, String path) throws IOException {
        return r.readRegularFile(path, 1024).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
    }

    @Test
    void dotDotStopsAtTheRoot() throws IOException {
        try (RootDirectory r = RootDirectory.open(root)) {
            assertEquals("inside", read(r, "../../../../../.." + outside + "/secret"));
            assertEquals("inside", read(r, outside + "/../" + outside.getFileName() + "/secret"));
        }
    }

    @Test
    void absoluteAndClimbingSymlinksResolveInsideTheRoot() throws IOException {
        Files.createSymbolicLink(root.resolve("abs"), outside);
        Files.createDirectories(root.resolve("a/b"));
        Files.createSymbolicLink(root.resolve("a/b/climb"), Path.of("../".repeat(20) + outside.toString().substring(1)));
        Files.createSymbolicLink(root.resolve("file"), outside.resolve("secret"));
        try (RootDirectory r = RootDirectory.open(root)) {
            assertEquals("inside", read(r, "/abs/secret"));
            assertEquals("inside", read(r, "a/b/climb/secret"));
            assertEquals("inside", read(r, "file"), "a final symlink is followed inside too");
        }
    }

    @Test
    void chainsAreFollowedInsideAndLoopsFailWithEloop() throws IOException {
        Files.createSymbolicLink(root.resolve("c1"), Path.of("c2"));
        Files.createSymbolicLink(root.resolve("c2"), Path.of("/c3"));
        Files.createSymbolicLink(root.resolve("c3"), Path.of("../../.." + outside));
        Files.createSymbolicLink(root.resolve("l1"), Path.of("l2"));
        Files.createSymbolicLink(root.resolve("l2"), Path.of("/l1"));
        Files.createSymbolicLink(root.resolve("self"), Path.of("self"));
        try (RootDirectory r = RootDirectory.open(root)) {
            assertEquals("inside", read(r, "c1/secret"));
            for (String loop : List.of("l1/x", "self")) {
                NativeCallException e = assertThrows(NativeCallException.class, () -> r.readRegularFile(loop, 10));
                assertTrue(e.is(Errno.ELOOP), e.getMessage());
                assertTrue(e.getMessage().contains("Too many levels of symbolic links"), e.getMessage());
                NativeCallException m = assertThrows(NativeCallException.class, () -> r.makeDirectories(loop + "/d", 0755));
                assertTrue(m.is(Errno.ELOOP), m.getMessage());
            }
        }
        assertFalse(Files.exists(root.resolve("l1/x"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void procMagicLinksAreRefused() throws IOException {
        // A rootfs with /proc mounted in it, as a running container's is seen from the host.
        Path proc = Files.createDirectories(root.resolve("proc"));
        Mounts.bind(Path.of("/proc"), proc, true);
        Files.createSymbolicLink(root.resolve("hostroot"), Path.of("/proc/self/root"));
        try (RootDirectory across = RootDirectory.openAcrossMounts(root)) {
            assertTrue(new String(across.readRegularFile("/proc/self/status", 1 << 16).orElseThrow(), StandardCharsets.UTF_8)
                    .contains("Pid:"), "ordinary /proc files are readable");
            for (String magic : List.of("/proc/self/root" + outside + "/secret", "hostroot" + outside + "/secret",
                    "/proc/thread-self/root/etc/hostname", "/proc/self/cwd")) {
                NativeCallException e = assertThrows(NativeCallException.class, () -> across.readRegularFile(magic, 1024), magic);
                assertTrue(e.is(Errno.ELOOP), magic + ": " + e.getMessage());
            }
            NativeCallException mk = assertThrows(NativeCallException.class,
                    () -> across.makeDirectories("hostroot" + outside + "/" + unique, 0755));
            assertTrue(mk.is(Errno.ELOOP), mk.getMessage());
        }
        try (RootDirectory sameMount = RootDirectory.open(root)) {
            NativeCallException e = assertThrows(NativeCallException.class, () -> sameMount.readRegularFile("/proc/self/status", 1024));
            assertTrue(e.is(Errno.EXDEV), "a mount inside the root is not crossed: " + e.getMessage());
        }
        assertFalse(Files.exists(outside.resolve(unique)));
    }

    @Test
    void directoriesAreCreatedInsideThroughAbsoluteRelativeAndDanglingLinks() throws IOException {
        Path hostEtc = Path.of("/etc");
        Files.createSymbolicLink(root.resolve("data"), hostEtc);
        Files.createSymbolicLink(root.resolve("climb"), Path.of("../../../../../../.." + outside));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("/not/yet"));
        Files.createSymbolicLink(root.resolve("relchain"), Path.of("dangling/../more"));
        try (RootDirectory r = RootDirectory.open(root)) {
            r.makeDirectories("/data/" + unique + "/sub", 0755);
            r.makeDirectories("climb/" + unique, 0755);
            r.makeDirectories("/dangling/" + unique, 0755);
            r.makeDirectories("relchain/" + unique, 0755);
            r.makeDirectories("/../../x/./y/../z", 0755);
        }
        assertTrue(Files.isDirectory(root.resolve("etc").resolve(unique).resolve("sub")));
        assertFalse(Files.exists(hostEtc.resolve(unique)), "nothing created in the host's /etc");
        assertTrue(Files.isDirectory(root.resolve(outside.toString().substring(1)).resolve(unique)));
        assertFalse(Files.exists(outside.resolve(unique)));
        assertTrue(Files.isDirectory(root.resolve("not/yet").resolve(unique)), "a dangling link's target is made inside");
        assertTrue(Files.isDirectory(root.resolve("not/more").resolve(unique)));
        assertTrue(Files.isDirectory(root.resolve("x/z")));
        assertTrue(Files.isDirectory(root.resolve("x/y")));
    }

    @Test
    void createdDirectoriesGetTheExactModeExistingOnesKeepTheirs() throws IOException {
        Path existing = Files.createDirectories(root.resolve("existing"));
        PosixFiles.chmod(existing, 0700);
        try (RootDirectory r = RootDirectory.open(root)) {
            r.makeDirectories("existing/new/deeper", 0777); // 0777 survives only if the umask is not applied
            r.makeDirectories("existing/new/deeper", 0755); // again: nothing to do
        }
        assertEquals(0700, PosixFiles.lstat(existing).permissions());
        assertEquals(0777, PosixFiles.lstat(root.resolve("existing/new")).permissions());
        assertEquals(0777, PosixFiles.lstat(root.resolve("existing/new/deeper")).permissions());
    }

    @Test
    void aFileOnTheWayIsNotADirectory() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/:/bin/sh\n");
        try (RootDirectory r = RootDirectory.open(root)) {
            NativeCallException e = assertThrows(NativeCallException.class, () -> r.makeDirectories("/etc/passwd/x", 0755));
            assertTrue(e.is(Errno.ENOTDIR), e.getMessage());
            assertTrue(e.getMessage().contains(root.toString()), "names the root: " + e.getMessage());
            assertThrows(NativeCallException.class, () -> r.openDirectory("/etc/passwd"));
            try (DirectoryHandle etc = r.openDirectory("/etc")) {
                assertEquals(root.resolve("etc"), etc.path());
            }
        }
    }

    @Test
    void readsAreBoundedAndNeverOpenDevicesOrFifos() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        try (RandomAccessFile huge = new RandomAccessFile(root.resolve("etc/passwd").toFile(), "rw")) {
            huge.setLength(10L << 30); // 10 GiB, sparse: costs no disk
        }
        Files.write(root.resolve("etc/exact"), new byte[1024]);
        PosixFiles.mkfifo(root.resolve("etc/group"), 0644);
        PosixFiles.mknod(root.resolve("etc/zero"), FileStatus.S_IFCHR, 0644, 1, 5);
        Files.createSymbolicLink(root.resolve("etc/shadow"), Path.of("/etc/zero"));
        try (RootDirectory r = RootDirectory.open(root)) {
            FileTooLargeException e = assertThrows(FileTooLargeException.class, () -> r.readRegularFile("/etc/passwd", 1 << 20));
            assertEquals(1 << 20, e.limit());
            assertTrue(e.getMessage().contains("/etc/passwd") && e.getMessage().contains("1048576"), e.getMessage());
            assertEquals(1024, r.readRegularFile("/etc/exact", 1024).orElseThrow().length, "the limit itself is fine");
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                assertEquals(Optional.empty(), r.readRegularFile("/etc/group", 1024), "a FIFO is not opened (would block)");
                assertEquals(Optional.empty(), r.readRegularFile("/etc/shadow", 1024), "a device is not opened");
            });
            assertEquals(Optional.empty(), r.readRegularFile("/etc", 1024), "a directory");
            assertEquals(Optional.empty(), r.readRegularFile("/etc/missing", 1024));
            assertEquals(Optional.empty(), r.readRegularFile("/etc/exact/below", 1024), "ENOTDIR: nothing there");
        }
    }

    @Test
    void lstatAndListFollowNoSymlinkAnywhere() throws IOException {
        Files.createDirectories(root.resolve("d/sub"));
        Files.writeString(root.resolve("d/sub/f"), "x");
        Files.createSymbolicLink(root.resolve("abs"), outside);
        Files.createSymbolicLink(root.resolve("rel"), Path.of("d"));
        try (RootDirectory r = RootDirectory.open(root)) {
            assertTrue(r.lstat("abs").orElseThrow().isSymlink(), "a final symlink is reported as itself");
            assertTrue(r.lstat("").orElseThrow().isDirectory(), "the root");
            assertEquals(Optional.empty(), r.lstat("abs/secret"), "not even inside the root");
            assertEquals(Optional.empty(), r.lstat("rel/sub/f"));
            assertEquals(List.of(), r.list("rel"));
            assertEquals(List.of(), r.list("abs"));
            assertEquals(List.of("f"), r.list("d/sub"));
            assertEquals(1, r.lstat("d/sub/f").orElseThrow().size());
            assertEquals(Optional.empty(), r.lstat("d/gone"));
            assertEquals(List.of(), r.list("d/sub/f"), "not a directory");
        }
    }

    @Test
    void nulBytesAreRefusedNotCut() throws IOException {
        try (RootDirectory r = RootDirectory.open(root)) {
            NativeCallException e = assertThrows(NativeCallException.class, () -> r.makeDirectories("/data\0/../x", 0755));
            assertTrue(e.is(Errno.EINVAL) && e.getMessage().contains("NUL"), e.getMessage());
            assertThrows(NativeCallException.class, () -> r.readRegularFile("/etc/passwd\0.bak", 10));
        }
        assertFalse(Files.exists(root.resolve("data")));
    }

    @Test
    void unavailableOpenat2IsNamedAsSuch() {
        NativeCallException e = new Openat2UnavailableException("/rootfs/etc/passwd", Errno.ENOSYS.intValue());
        assertTrue(e.getMessage().contains("openat2") && e.getMessage().contains("Linux 5.6")
                && e.getMessage().contains("ENOSYS"), e.getMessage());
    }
}
