package dev.jcri.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a child process wrote on one stream, kept up to a limit and handed on without copies.
 *
 * <p>Why chunks: a {@code ByteArrayOutputStream} doubles its array as output grows and copies it
 * again for {@code toByteArray()}, so 8 MiB of output costs up to 24 MiB of heap at a time. Here
 * the bytes are read straight into chunks (8 KiB first, doubling up to 1 MiB, never more in total
 * than the limit), nothing is copied while reading, and {@link #chunks()} gives read-only views of
 * them: whoever passes the output on (ExecSync's answer) holds it once. Output beyond the limit is
 * read and dropped, so the child never blocks on a full pipe, and {@link #truncated()} says so.
 *
 * <p>One thread reads ({@link #readFrom}); others may look at any time and see what arrived so far.
 */
public final class CapturedOutput {
    private static final int FIRST_CHUNK = 8 << 10;
    private static final int LARGEST_CHUNK = 1 << 20;

    private final int limit;
    private final List<byte[]> chunks = new ArrayList<>();
    private int capacity; // bytes of all chunks; never more than limit
    private int size;     // bytes kept; those below it are never written again
    private boolean truncated;

    /** An empty capture that keeps at most {@code limit} bytes. */
    public CapturedOutput(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative output limit");
        }
        this.limit = limit;
    }

    /** A capture holding {@code bytes} (for tests and for callers that have the output already). */
    public static CapturedOutput of(byte[] bytes) {
        CapturedOutput out = new CapturedOutput(bytes.length);
        if (bytes.length > 0) {
            out.chunks.add(bytes.clone());
            out.capacity = bytes.length;
            out.size = bytes.length;
        }
        return out;
    }

    /** Reads {@code in} to its end, keeping what fits. I/O errors end the reading quietly: what came is what there is. */
    void readFrom(InputStream in) {
        byte[] drop = new byte[FIRST_CHUNK];
        try (in) {
            // the first bytes go to a scratch buffer: a stream that stays empty (most stderr) costs no chunk
            int first = in.read(drop);
            if (first < 0) {
                return;
            }
            keep(drop, first);
            while (true) {
                byte[] target;
                int offset;
                int room;
                synchronized (this) {
                    if (size == capacity && capacity < limit) {
                        int next = Math.min(limit - capacity, chunks.isEmpty() ? FIRST_CHUNK
                                : Math.min(LARGEST_CHUNK, chunks.getLast().length * 2));
                        chunks.add(new byte[next]);
                        capacity += next;
                    }
                    if (size < capacity) {
                        target = chunks.getLast();
                        offset = target.length - (capacity - size);
                        room = capacity - size;
                    } else {
                        target = null;
                        offset = 0;
                        room = 0;
                    }
                }
                if (target == null) {
                    if (in.read(drop) < 0) {
                        return;
                    }
                    synchronized (this) {
                        truncated = true;
                    }
                    continue;
                }
                int n = in.read(target, offset, room); // only this thread writes above size
                if (n < 0) {
                    return;
                }
                synchronized (this) {
                    size += n;
                }
            }
        } catch (IOException ignored) {
            // the pipe was closed under us (the process tree was killed): keep what arrived
        }
    }

    /** Keeps what fits of {@code n} bytes read elsewhere. */
    private synchronized void keep(byte[] b, int n) {
        int kept = Math.min(n, limit);
        if (kept > 0) {
            byte[] chunk = new byte[Math.min(limit, Math.max(FIRST_CHUNK, kept))];
            System.arraycopy(b, 0, chunk, 0, kept);
            chunks.add(chunk);
            capacity = chunk.length;
            size = kept;
        }
        truncated = kept < n;
    }

    /** Bytes kept. */
    public synchronized int size() {
        return size;
    }

    /** The largest number of bytes kept. */
    public int limit() {
        return limit;
    }

    /** Whether the stream carried more than the limit (the rest was read and dropped). */
    public synchronized boolean truncated() {
        return truncated;
    }

    /** Heap held by the chunks (what the limit bounds). */
    synchronized int capacity() {
        return capacity;
    }

    /** Read-only views of the bytes kept, in order, sharing this capture's memory (no copy). */
    public synchronized List<ByteBuffer> chunks() {
        List<ByteBuffer> views = new ArrayList<>(chunks.size());
        int left = size;
        for (byte[] c : chunks) {
            if (left == 0) {
                break;
            }
            int n = Math.min(left, c.length);
            views.add(ByteBuffer.wrap(c, 0, n).asReadOnlyBuffer());
            left -= n;
        }
        return views;
    }

    /** A copy of the bytes kept, in one array: for small outputs that are parsed. */
    public synchronized byte[] bytes() {
        byte[] all = new byte[size];
        int at = 0;
        for (ByteBuffer b : chunks()) {
            int n = b.remaining();
            b.get(all, at, n);
            at += n;
        }
        return all;
    }

    /** The bytes kept as UTF-8 text. */
    public String text() {
        return new String(bytes(), StandardCharsets.UTF_8);
    }
}
