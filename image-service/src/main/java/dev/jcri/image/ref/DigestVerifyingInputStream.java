package dev.jcri.image.ref;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Hashes every byte that passes through and, at end of stream, checks the digest (and the size,
 * when known). A mismatch is thrown from {@code read()} as {@link MismatchException}, so a consumer
 * that commits only after reading to the end never commits bad content. With a known size, no more
 * than one byte past it is ever read from the source: a blob longer than its descriptor says
 * costs the size plus one byte, then fails.
 */
public final class DigestVerifyingInputStream extends FilterInputStream {

    /** The content read does not match what was announced. */
    public static final class MismatchException extends IOException {
        public MismatchException(String message) {
            super(message);
        }
    }

    private final Digest expected;
    private final long expectedSize;
    private final String what;
    private final MessageDigest hasher;
    private long count;
    private boolean verified;

    /**
     * @param expectedSize the announced size, or -1 when unknown
     * @param what names the content in messages ("layer sha256:... of docker.io/library/busybox")
     */
    public DigestVerifyingInputStream(InputStream in, Digest expected, long expectedSize, String what) {
        super(in);
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.what = what;
        this.hasher = expected.newHasher();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (expectedSize >= 0 && len > 0) {
            // never ask for more than one byte past the announced size: a longer blob is cut there
            len = (int) Math.min(len, expectedSize - count + 1);
        }
        int n = in.read(b, off, len);
        if (n > 0) {
            hasher.update(b, off, n);
            count += n;
            if (expectedSize >= 0 && count > expectedSize) {
                throw new MismatchException(what + ": more than the announced " + expectedSize + " bytes");
            }
        } else if (n < 0) {
            verify();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[8192];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) {
                break;
            }
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Bytes seen so far. */
    public long count() {
        return count;
    }

    public boolean isVerified() {
        return verified;
    }

    /** Reads what is left and verifies; for consumers that may stop before the end. */
    public void drainAndVerify() throws IOException {
        byte[] buf = new byte[64 * 1024];
        while (read(buf, 0, buf.length) >= 0) {
            // hashing happens in read
        }
    }

    private void verify() throws MismatchException {
        if (verified) {
            return;
        }
        if (expectedSize >= 0 && count != expectedSize) {
            throw new MismatchException(what + ": got " + count + " bytes, expected " + expectedSize);
        }
        String actual = HexFormat.of().formatHex(hasher.digest());
        if (!actual.equals(expected.hex())) {
            throw new MismatchException(what + ": content has digest " + expected.algorithm() + ":" + actual
                    + ", expected " + expected);
        }
        verified = true;
    }
}
