package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixFilesTest {
    @TempDir
    Path dir;

    @Test
    void mknodMakesAnOverlayWhiteout() throws IOException {
        Path wh = dir.resolve("gone");
        PosixFiles.mknod(wh, FileStatus.S_IFCHR, 0, 0, 0);
        FileStatus st = PosixFiles.lstat(wh);
        assertTrue(st.isCharDevice());
        assertTrue(st.isWhiteout());
    }

    @Test
    void mknodBlockDeviceAndFifo() throws IOException {
        Path loop = dir.resolve("loop0");
        PosixFiles.mknod(loop, FileStatus.S_IFBLK, 0660, 7, 300);
        FileStatus st = PosixFiles.lstat(loop);
        assertEquals(FileStatus.S_IFBLK, st.type());
        assertEquals(7, st.rdevMajor());
        assertEquals(300, st.rdevMinor());

        Path fifo = dir.resolve("fifo");
        PosixFiles.mkfifo(fifo, 0600);
        assertEquals(FileStatus.S_IFIFO, PosixFiles.lstat(fifo).type());
    }

    @Test
    void makedevRoundTripsLargeNumbers() {
        long dev = PosixFiles.makedev(4095 + 5000, 1 << 19);
        assertEquals(4095 + 5000, PosixFiles.major(dev));
        assertEquals(1 << 19, PosixFiles.minor(dev));
    }

    @Test
    void lchownChangesTheLinkNotItsTarget() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        PosixFiles.lchown(link, 1234, 5678);
        assertEquals(1234, PosixFiles.lstat(link).uid());
        assertEquals(5678, PosixFiles.lstat(link).gid());
        assertEquals(0, PosixFiles.lstat(target).uid());
    }

    @Test
    void chmodKeepsSetuidSetgidSticky() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        PosixFiles.chmod(f, 06755);
        assertEquals(06755, PosixFiles.lstat(f).permissions());
        Path d = Files.createDirectory(dir.resolve("d"));
        PosixFiles.chmod(d, 01777);
        assertEquals(01777, PosixFiles.lstat(d).permissions());
    }

    @Test
    void setTimesOnSymlinkItself() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        long before = PosixFiles.lstat(target).mtimeSeconds();
        PosixFiles.setTimes(link, 1000, 0, 1_000_000, 123_456_789);
        FileStatus st = PosixFiles.lstat(link);
        assertEquals(1_000_000, st.mtimeSeconds());
        assertEquals(123_456_789, st.mtimeNanos());
        assertEquals(before, PosixFiles.lstat(target).mtimeSeconds());
    }

    @Test
    void lstatIfExistsAndErrors() throws IOException {
        assertFalse(PosixFiles.lstatIfExists(dir.resolve("nope")).isPresent());
        assertTrue(PosixFiles.lstatIfExists(dir).orElseThrow().isDirectory());
        NativeCallException e = assertThrows(NativeCallException.class, () -> PosixFiles.lstat(dir.resolve("nope")));
        assertTrue(e.getMessage().startsWith("lstat " + dir.resolve("nope") + ": ENOENT"), e.getMessage());
        PosixFiles.syncfs(dir);
    }
}
