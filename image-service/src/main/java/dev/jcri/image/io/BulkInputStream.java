package dev.jcri.image.io;

import java.io.IOException;
import java.io.InputStream;

/**
 * An InputStream that implements only the bulk read: the single-byte read goes through it, so the
 * bounds, waits and checks of a stream are written once, in {@link #read(byte[], int, int)}.
 */
public abstract class BulkInputStream extends InputStream {

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
