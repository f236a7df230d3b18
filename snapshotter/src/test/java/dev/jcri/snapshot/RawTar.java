package dev.jcri.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.function.IntFunction;

/**
 * Tar pieces written byte for byte, for hostile archives no tar library would produce (hundreds of
 * extended headers before one entry), and streamed so that a test can feed a reader far more
 * bytes than it would ever want to hold.
 */
final class RawTar {
    static final int BLOCK = 512;

    private RawTar() {}

    /** One member: a ustar header of {@code type} and {@code size}, then {@code data} padded to a block. */
    static byte[] member(String name, char type, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header(name, type, data.length));
        out.writeBytes(data);
        out.writeBytes(new byte[(BLOCK - data.length % BLOCK) % BLOCK]);
        return out.toByteArray();
    }

    /** A PAX record "LEN key=value\n", LEN counting the whole record. */
    static byte[] paxRecord(String key, byte[] value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int base = 1 + k.length + 1 + value.length + 1;
        int len = base + Integer.toString(base).length();
        if (Integer.toString(len).length() != Integer.toString(base).length()) {
            len++;
        }
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        rec.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
        rec.writeBytes(k);
        rec.write('=');
        rec.writeBytes(value);
        rec.write('\n');
        return rec.toByteArray();
    }

    static byte[] header(String name, char type, long size) {
        byte[] h = new byte[BLOCK];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, Math.min(n.length, 100));
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 1_600_000_000L);
        h[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = 0;
        return h;
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
        byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    /**
     * A stream of {@code count} generated pieces followed by {@code tail}, each piece made when the
     * reader gets to it; {@link Counting#consumed()} says how far the reader went.
     */
    static Counting stream(int count, IntFunction<byte[]> piece, byte[] tail) {
        return new Counting(count, piece, tail);
    }

    static final class Counting extends InputStream {
        private final Iterator<byte[]> pieces;
        private byte[] current = new byte[0];
        private int pos;
        private long consumed;

        Counting(int count, IntFunction<byte[]> piece, byte[] tail) {
            this.pieces = new Iterator<>() {
                int i;

                @Override
                public boolean hasNext() {
                    return i <= count;
                }

                @Override
                public byte[] next() {
                    return i++ < count ? piece.apply(i - 1) : tail;
                }
            };
        }

        long consumed() {
            return consumed;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            while (pos == current.length) {
                if (!pieces.hasNext()) {
                    return -1;
                }
                current = pieces.next();
                pos = 0;
            }
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            consumed += n;
            return n;
        }
    }
}
