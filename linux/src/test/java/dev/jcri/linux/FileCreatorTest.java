package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import jnr.constants.platform.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCreatorTest {
    @TempDir
    Path dir;

    private final FileCreator creator = new FileCreator(4096); // small, so content spans several write(2) calls

    @Test
    void createsWritesAndSetsEverythingOnTheDescriptor() throws IOException {
        byte[] content = new byte[10_000];
        new Random(1).nextBytes(content);
        long blocks;
        try (DirectoryHandle d = DirectoryHandle.open(dir);
             FileCreator.NewFile f = creator.create(d, "f", 0640)) {
            f.write(content, 0, 3000);
            f.write(content, 3000, content.length - 3000);
            f.chown(1234, 5678);
            f.chmod(04750); // after chown, which would clear setuid
            f.setXattr("user.test", "v".getBytes(StandardCharsets.US_ASCII));
            f.setTimes(1000, 1, 1_000_000, 123_456_789);
            blocks = f.allocatedBlocks();
        }
        Path p = dir.resolve("f");
        assertArrayEquals(content, Files.readAllBytes(p));
        FileStatus st = PosixFiles.lstat(p);
        assertEquals(1234, st.uid());
        assertEquals(5678, st.gid());
        assertEquals(04750, st.permissions());
        assertEquals(1_000_000, st.mtimeSeconds());
        assertEquals(123_456_789, st.mtimeNanos());
        assertEquals(st.blocks(), blocks);
        assertTrue(blocks * 512 >= content.length);
        assertEquals("v", new String(Xattrs.get(p, "user.test").orElseThrow(), StandardCharsets.US_ASCII));
    }

    @Test
    void neverOpensAnExistingNameNorFollowsASymlink() throws IOException {
        Path outside = Files.writeString(dir.resolve("outside"), "keep");
        Files.createDirectory(dir.resolve("d"));
        Files.createSymbolicLink(dir.resolve("d/link"), outside);
        Files.writeString(dir.resolve("d/existing"), "keep");
        try (DirectoryHandle d = DirectoryHandle.open(dir.resolve("d"))) {
            for (String name : new String[] {"link", "existing"}) {
                NativeCallException e = assertThrows(NativeCallException.class, () -> creator.create(d, name, 0644));
                assertTrue(e.is(Errno.EEXIST), e.getMessage());
            }
        }
        assertEquals("keep", Files.readString(outside));
        assertEquals("keep", Files.readString(dir.resolve("d/existing")));
    }

    @Test
    void directoryHandleRefusesASymlinkAndStaysWithTheDirectory() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        NativeCallException e = assertThrows(NativeCallException.class, () -> DirectoryHandle.open(link));
        assertTrue(e.is(Errno.ENOTDIR), e.getMessage());

        try (DirectoryHandle d = DirectoryHandle.open(real)) {
            Files.move(real, dir.resolve("moved")); // the handle names the directory, not the path
            creator.create(d, "x", 0644).close();
        }
        assertTrue(Files.exists(dir.resolve("moved/x")));
        assertFalse(Files.exists(real));
    }

    @Test
    void closedHandlesAreRefused() throws IOException {
        DirectoryHandle d = DirectoryHandle.open(dir);
        d.close();
        d.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> creator.create(d, "x", 0644));
    }
}
