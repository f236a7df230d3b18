package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The temp dir lives on the root ext4 here, which supports trusted.* and security.* for root. */
class XattrsTest {
    @TempDir
    Path dir;

    @Test
    void trustedNamespaceRoundTrip() throws IOException {
        Path d = Files.createDirectory(dir.resolve("d"));
        Xattrs.set(d, "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
        assertEquals("y", new String(Xattrs.get(d, "trusted.overlay.opaque").orElseThrow(), StandardCharsets.US_ASCII));
        assertTrue(Xattrs.list(d).contains("trusted.overlay.opaque"));
        Xattrs.remove(d, "trusted.overlay.opaque");
        assertFalse(Xattrs.get(d, "trusted.overlay.opaque").isPresent());
        Xattrs.remove(d, "trusted.overlay.opaque"); // absent: no error
    }

    @Test
    void binaryCapabilityValueAndLargeValue() throws IOException {
        Path f = Files.writeString(dir.resolve("ping"), "x");
        // VFS_CAP_REVISION_2, effective, permitted = CAP_SETUID(7) | CAP_NET_RAW(13): bytes >= 0x80 inside.
        byte[] cap = {2, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        cap[0] = 1; // magic 0x02000001: revision 2 with the effective flag
        Xattrs.set(f, "security.capability", cap);
        assertArrayEquals(cap, Xattrs.get(f, "security.capability").orElseThrow());

        byte[] big = new byte[3000]; // larger than the first read buffer: exercises the ERANGE retry
        java.util.Arrays.fill(big, (byte) 'v');
        Xattrs.set(f, "trusted.big", big);
        assertArrayEquals(big, Xattrs.get(f, "trusted.big").orElseThrow());
    }

    @Test
    void symlinkItselfNotTarget() throws IOException {
        Path target = Files.writeString(dir.resolve("t"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("l"), target);
        Xattrs.set(link, "trusted.mark", new byte[] {1});
        assertTrue(Xattrs.get(link, "trusted.mark").isPresent());
        assertFalse(Xattrs.get(target, "trusted.mark").isPresent());
    }
}
