package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountsTest {
    @TempDir
    Path dir;

    @AfterEach
    void noMountsLeft() throws IOException {
        for (MountInfo m : MountInfo.under(dir)) {
            Mounts.unmount(m.mountPoint(), MountFlags.MNT_DETACH);
        }
        assertEquals(List.of(), MountInfo.under(dir));
    }

    @Test
    void mountsAndUnmountsTmpfs() throws IOException {
        Path target = Files.createDirectory(dir.resolve("with space"));
        Mounts.mount("jcri-test", target, "tmpfs", MountFlags.MS_NOSUID, "size=1m,mode=0700");

        assertTrue(Mounts.isMountPoint(target));
        MountInfo m = MountInfo.under(dir).getFirst();
        assertEquals(target, m.mountPoint(), "octal escape of the space is undone");
        assertEquals("tmpfs", m.fsType());
        assertEquals("jcri-test", m.source());
        assertTrue(m.mountOptions().contains("nosuid"));

        Files.writeString(target.resolve("f"), "x");
        Mounts.unmount(target, 0);
        assertFalse(Mounts.isMountPoint(target));
        assertFalse(Files.exists(target.resolve("f")), "the file lived on the tmpfs");
        assertFalse(Mounts.unmountIfMounted(target, 0), "second unmount: nothing to do");
    }

    @Test
    void readOnlyBindMount() throws IOException {
        Path source = Files.createDirectory(dir.resolve("src"));
        Files.writeString(source.resolve("f"), "hello");
        Path target = Files.createDirectory(dir.resolve("dst"));

        Mounts.bind(source, target, true);
        try {
            assertEquals("hello", Files.readString(target.resolve("f")));
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> Files.writeString(target.resolve("g"), "no"));
            assertTrue(e.getMessage().contains("Read-only") || e instanceof AccessDeniedException, e.getMessage());
        } finally {
            Mounts.unmount(target, 0);
        }
    }

    /**
     * The statx answer agrees with the mount table in every case removal guards meet: a bind of a
     * directory of the same filesystem (same st_dev), a file bind-mounted on a file, stacked mounts
     * after the top one goes, a symlink to a mount point (the link itself is not one), a directory
     * below a mount point, and paths that do not exist.
     */
    @Test
    void mountPointAnswerAgreesWithTheMountTable() throws IOException {
        Path sameFs = Files.createDirectories(dir.resolve("a b/bind"));
        Path source = Files.createDirectory(dir.resolve("src"));
        Files.createDirectory(source.resolve("sub"));
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path fileSource = Files.writeString(dir.resolve("file-src"), "y");
        Path stacked = Files.createDirectory(dir.resolve("stacked"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), sameFs);
        Path plain = Files.createDirectory(dir.resolve("plain"));
        List<Path> probes = List.of(sameFs, file, stacked, link, plain, sameFs.resolve("sub"), dir.resolve("missing"),
                file.resolve("not-a-dir"), dir);

        Mounts.bind(source, sameFs, false);
        Mounts.bind(fileSource, file, false);
        Mounts.mount("one", stacked, "tmpfs", 0, "size=1m");
        Mounts.mount("two", stacked, "tmpfs", 0, "size=1m");
        Mounts.unmount(stacked, 0);

        for (Path p : probes) {
            assertEquals(Mounts.isInMountTable(p), Mounts.isMountPoint(p), p.toString());
        }
        assertTrue(Mounts.isMountPoint(sameFs), "a bind of the same filesystem");
        assertTrue(Mounts.isMountPoint(file), "a file bind-mounted on a file");
        assertTrue(Mounts.isMountPoint(stacked), "the lower of two stacked mounts is still there");
        assertFalse(Mounts.isMountPoint(link), "the symlink is not followed");
        assertFalse(Mounts.isMountPoint(sameFs.resolve("sub")));
        assertFalse(Mounts.isMountPoint(dir.resolve("missing")));
    }

    @Test
    void findsMountsUnderADirectoryWhoseNameTheKernelEscapes() throws IOException {
        Path odd = Files.createDirectories(dir.resolve("sp ace\\back\tslash"));
        Path target = Files.createDirectory(odd.resolve("m"));
        Mounts.mount("jcri-test", target, "tmpfs", 0, "size=1m");

        assertEquals(List.of(target), MountInfo.under(odd).stream().map(MountInfo::mountPoint).toList());
        assertEquals(List.of(target), MountInfo.under(target).stream().map(MountInfo::mountPoint).toList());
        assertEquals(List.of(), MountInfo.under(dir.resolve("sp ace")), "a prefix of the name is not the directory");
        assertEquals(odd.toString(), MountInfo.unescape(MountInfo.escape(odd.toString())));
    }

    @Test
    void failureNamesCallPathAndErrno() {
        Path missing = dir.resolve("missing");
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> Mounts.mount("none", missing, "tmpfs", 0, null));
        assertEquals("mount", e.call());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("ENOENT (No such file or directory)"), e.getMessage());
    }

    @Test
    void parsesOptionalFieldsAndEscapes() throws IOException {
        MountInfo m = MountInfo.parseLine(
                "36 35 98:0 /mnt1 /mnt/a\\040b rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue");
        assertEquals(36, m.mountId());
        assertEquals(Path.of("/mnt/a b"), m.mountPoint());
        assertEquals("ext3", m.fsType());
        assertEquals("rw,errors=continue", m.superOptions());
        assertThrows(IOException.class, () -> MountInfo.parseLine("garbage"));
    }
}
