package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/** What one applied layer contains on disk: exact tar semantics. */
class LayerContentTest extends SnapshotterTestBase {

    @Test
    void filesDirectoriesOwnershipModesAndTimes() throws IOException {
        apply("sha256:l1", null, TestLayer.pax()
                .dir("etc", 0755, 0, 0)
                .file("etc/hosts", "127.0.0.1 localhost\n".getBytes(StandardCharsets.UTF_8), 0640, 1000, 2000, Map.of())
                .dir("tmp", 01777, 0, 0)
                .dir("srv", 02775, 0, 50)
                .file("srv/data", "d".getBytes(StandardCharsets.UTF_8), 0644, 0, 0, Map.of())
                .file("usr/bin/su", "elf".getBytes(StandardCharsets.UTF_8), 04755, 0, 0, Map.of()) // implied parents
                .file("usr/bin/wall", "elf".getBytes(StandardCharsets.UTF_8), 02755, 0, 5, Map.of())
                .symlink("etc/localtime", "/usr/share/zoneinfo/UTC", 1000, 1000));
        Path fs = store.contentDirectory("sha256:l1");

        FileStatus hosts = PosixFiles.lstat(fs.resolve("etc/hosts"));
        assertEquals(0640, hosts.permissions());
        assertEquals(1000, hosts.uid());
        assertEquals(2000, hosts.gid());
        assertEquals(TestLayer.MTIME.getEpochSecond(), hosts.mtimeSeconds());
        assertEquals("127.0.0.1 localhost\n", Files.readString(fs.resolve("etc/hosts")));

        assertEquals(01777, PosixFiles.lstat(fs.resolve("tmp")).permissions());
        FileStatus srv = PosixFiles.lstat(fs.resolve("srv"));
        assertEquals(02775, srv.permissions());
        assertEquals(50, srv.gid());
        assertEquals(0, PosixFiles.lstat(fs.resolve("srv/data")).gid(), "tar's gid wins over the setgid dir's");
        assertEquals(04755, PosixFiles.lstat(fs.resolve("usr/bin/su")).permissions(), "setuid survives");
        FileStatus wall = PosixFiles.lstat(fs.resolve("usr/bin/wall"));
        assertEquals(02755, wall.permissions(), "setgid survives the chown");
        assertEquals(5, wall.gid());
        assertEquals(0755, PosixFiles.lstat(fs.resolve("usr")).permissions(), "implied parent");

        FileStatus link = PosixFiles.lstat(fs.resolve("etc/localtime"));
        assertTrue(link.isSymlink());
        assertEquals(1000, link.uid(), "lchown on the link itself");
        assertEquals("/usr/share/zoneinfo/UTC", PosixFiles.readlink(fs.resolve("etc/localtime")));
        assertEquals(TestLayer.MTIME.getEpochSecond(), link.mtimeSeconds());

        // Directory times are applied last, so children written afterwards don't bump them.
        assertEquals(TestLayer.MTIME.getEpochSecond(), PosixFiles.lstat(fs.resolve("etc")).mtimeSeconds());
        assertEquals(TestLayer.MTIME.getEpochSecond(), PosixFiles.lstat(fs.resolve("srv")).mtimeSeconds());
    }

    @Test
    void devicesAndFifos() throws IOException {
        apply("sha256:dev", null, TestLayer.pax()
                .dir("dev")
                .device("dev/null", TarConstants.LF_CHR, 1, 3, 0666)
                .device("dev/loop0", TarConstants.LF_BLK, 7, 0, 0660)
                .fifo("dev/initctl"));
        Path fs = store.contentDirectory("sha256:dev");
        FileStatus nul = PosixFiles.lstat(fs.resolve("dev/null"));
        assertTrue(nul.isCharDevice());
        assertEquals(1, nul.rdevMajor());
        assertEquals(3, nul.rdevMinor());
        assertEquals(0666, nul.permissions(), "exact bits despite the umask");
        FileStatus loop = PosixFiles.lstat(fs.resolve("dev/loop0"));
        assertEquals(FileStatus.S_IFBLK, loop.type());
        assertEquals(7, loop.rdevMajor());
        assertEquals(FileStatus.S_IFIFO, PosixFiles.lstat(fs.resolve("dev/initctl")).type());
        assertEquals(0640, PosixFiles.lstat(fs.resolve("dev/initctl")).permissions());
    }

    @Test
    void xattrsIncludingBinaryCapabilities() throws IOException {
        // VFS_CAP_REVISION_2 | effective; permitted CAP_SETUID (bit 7: byte 0x80) and CAP_NET_RAW (bit 13).
        byte[] cap = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        apply("sha256:caps", null, TestLayer.pax()
                .rawPax("SCHILY.xattr.security.capability", cap)
                .file("bin/ping", "elf".getBytes(StandardCharsets.UTF_8), 0755, 0, 0, Map.of())
                .file("bin/tagged", "x".getBytes(StandardCharsets.UTF_8), 0644, 1000, 1000,
                        Map.of("user.origin", "test", "trusted.overlay.redirect", "/etc")));
        Path fs = store.contentDirectory("sha256:caps");
        assertArrayEquals(cap, Xattrs.get(fs.resolve("bin/ping"), "security.capability").orElseThrow(),
                "binary value byte for byte, and not cleared by chown/chmod");
        assertEquals("test", new String(Xattrs.get(fs.resolve("bin/tagged"), "user.origin").orElseThrow(),
                StandardCharsets.UTF_8));
        assertFalse(Xattrs.get(fs.resolve("bin/tagged"), "trusted.overlay.redirect").isPresent(),
                "a layer cannot forge overlayfs metadata");
    }

    @Test
    void longNamesGnuAndPax() throws IOException {
        String deep = "a".repeat(90) + "/" + "b".repeat(90) + "/" + "c".repeat(120);
        String longTarget = "/" + "t".repeat(150);
        for (TestLayer layer : new TestLayer[] {TestLayer.gnu(), TestLayer.pax()}) {
            String key = "sha256:long-" + layer.hashCode();
            layer.file(deep, "deep").symlink("x".repeat(110), longTarget).hardlink("y".repeat(120), deep);
            apply(key, null, layer);
            Path fs = store.contentDirectory(key);
            assertEquals("deep", Files.readString(fs.resolve(deep)));
            assertEquals(longTarget, PosixFiles.readlink(fs.resolve("x".repeat(110))));
            assertEquals(PosixFiles.lstat(fs.resolve(deep)).inode(), PosixFiles.lstat(fs.resolve("y".repeat(120))).inode());
        }
    }

    @Test
    void hardlinksWithinALayerShareTheInode() throws IOException {
        apply("sha256:hl", null, TestLayer.pax()
                .file("bin/busybox", "bb".getBytes(StandardCharsets.UTF_8), 0755, 0, 0, Map.of())
                .hardlink("bin/sh", "bin/busybox")
                .hardlink("./bin/ls", "/bin/busybox")); // leading ./ and / are the same member
        Path fs = store.contentDirectory("sha256:hl");
        FileStatus bb = PosixFiles.lstat(fs.resolve("bin/busybox"));
        assertEquals(3, bb.linkCount());
        assertEquals(bb.inode(), PosixFiles.lstat(fs.resolve("bin/sh")).inode());
        assertEquals(bb.inode(), PosixFiles.lstat(fs.resolve("bin/ls")).inode());
        assertEquals(3, store.layerUsage("sha256:hl").orElseThrow().inodes(), "root, bin, one inode for three names");
    }

    @Test
    void hardlinkToALowerLayersFileCopiesItUp() throws IOException {
        apply("sha256:low", null, TestLayer.pax()
                .file("data/orig", "lower content".getBytes(StandardCharsets.UTF_8), 0600, 7, 8, Map.of("user.k", "v")));
        apply("sha256:up", "sha256:low", TestLayer.pax().hardlink("data/alias", "data/orig"));
        Path lower = store.contentDirectory("sha256:low");
        Path upper = store.contentDirectory("sha256:up");

        FileStatus copied = PosixFiles.lstat(upper.resolve("data/orig"));
        assertEquals(copied.inode(), PosixFiles.lstat(upper.resolve("data/alias")).inode());
        assertEquals(2, copied.linkCount());
        assertEquals("lower content", Files.readString(upper.resolve("data/alias")));
        assertEquals(0600, copied.permissions());
        assertEquals(7, copied.uid());
        assertEquals("v", new String(Xattrs.get(upper.resolve("data/orig"), "user.k").orElseThrow(), StandardCharsets.UTF_8));
        assertNotEquals(copied.inode(), PosixFiles.lstat(lower.resolve("data/orig")).inode(), "lower layer untouched");
        assertEquals(1, PosixFiles.lstat(lower.resolve("data/orig")).linkCount());
    }

    @Test
    void whiteoutsBecomeOverlayWhiteouts() throws IOException {
        apply("sha256:base", null, TestLayer.pax().dir("a").file("a/x", "x").file("a/y", "y").dir("b").file("b/z", "z"));
        apply("sha256:top", "sha256:base", TestLayer.pax().dir("a").whiteout("a/x").dir("b").opaque("b").file("b/new", "n"));
        Path fs = store.contentDirectory("sha256:top");
        assertTrue(PosixFiles.lstat(fs.resolve("a/x")).isWhiteout());
        assertFalse(Files.exists(fs.resolve("a/.wh.x")));
        assertEquals("y", new String(Xattrs.get(fs.resolve("b"), "trusted.overlay.opaque").orElseThrow(), StandardCharsets.UTF_8));
        assertFalse(Files.exists(fs.resolve("b/.wh..wh..opq")));
    }
}
