package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.security.MessageDigest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** OpenSSL's SHA-256 gives the JDK's answers, over chunk boundaries, offsets, single bytes and reuse. */
class NativeSha256Test {

    @Test
    void sameDigestsAsTheJdk() throws Exception {
        MessageDigest ours = NativeSha256.create();
        assertInstanceOf(NativeSha256.class, ours, "libcrypto is on these machines: the native one is used");
        Random random = new Random(7);
        for (int size : new int[] {0, 1, 55, 56, 64, 65_535, 65_536, 65_537, 1 << 20}) {
            byte[] data = new byte[size + 10];
            random.nextBytes(data);
            MessageDigest jdk = MessageDigest.getInstance("SHA-256");
            jdk.update(data, 5, size);
            // in uneven pieces, one single byte among them
            int done = 0;
            int piece = 1;
            while (done < size) {
                int n = Math.min(piece, size - done);
                if (n == 1) {
                    ours.update(data[5 + done]);
                } else {
                    ours.update(data, 5 + done, n);
                }
                done += n;
                piece = piece * 3 + 7;
            }
            assertArrayEquals(jdk.digest(), ours.digest(), "size " + size + " (the digest is reset after each)");
        }
    }
}
