package dev.jcri.image.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

class DigestVerifyingInputStreamTest {

    /** An endless stream of zeros that counts what was taken from it. */
    private static final class Endless extends InputStream {
        long taken;

        @Override
        public int read() {
            taken++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 0);
            taken += len;
            return len;
        }
    }

    @Test
    void aBlobLongerThanAnnouncedIsCutAtSizePlusOne() {
        Endless endless = new Endless();
        long size = 1000;
        DigestVerifyingInputStream in = new DigestVerifyingInputStream(endless, Digest.sha256(new byte[1000]), size, "layer x");
        byte[] buf = new byte[128 * 1024];
        DigestVerifyingInputStream.MismatchException e = assertThrows(DigestVerifyingInputStream.MismatchException.class, () -> {
            while (in.read(buf, 0, buf.length) >= 0) {
                // keep reading
            }
        });
        assertTrue(e.getMessage().contains("more than the announced 1000 bytes"), e.getMessage());
        assertEquals(size + 1, endless.taken, "not a byte more than needed to know");
        assertEquals(size + 1, in.count());
    }
}
