package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemSpaceTest {

    @TempDir
    Path dir;

    @Test
    void parsesTheStructAsGlibcLaysItOut() {
        ByteBuffer b = ByteBuffer.allocate(112).order(ByteOrder.nativeOrder());
        b.putLong(0, 4096).putLong(8, 1024).putLong(16, 1000).putLong(24, 600).putLong(32, 500)
                .putLong(40, 300).putLong(48, 120).putLong(56, 120);
        assertEquals(new FileSystemSpace(1000 * 1024, 500 * 1024, 300, 120), FileSystemSpace.parse(b.array()));
    }

    /** The same size java.nio sees, and inodes that change when a file is made. */
    @Test
    void agreesWithTheFileStoreAndCountsInodes() throws IOException {
        FileSystemSpace space = FileSystemSpace.of(dir);
        assertEquals(Files.getFileStore(dir).getTotalSpace(), space.totalBytes());
        assertTrue(space.inodes() > 0 && space.freeInodes() <= space.inodes(), space.toString());
        assertTrue(space.availableBytes() <= space.totalBytes());
    }

    @Test
    void aMissingPathIsAnErrorNamingIt() {
        NativeCallException e = assertThrows(NativeCallException.class, () -> FileSystemSpace.of(dir.resolve("gone")));
        assertTrue(e.getMessage().contains("gone"), e.getMessage());
    }
}
