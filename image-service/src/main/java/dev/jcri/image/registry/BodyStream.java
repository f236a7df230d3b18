package dev.jcri.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP response body as an InputStream that notices stalls: each read waits at most the stall
 * timeout for the next chunk, then cancels the exchange and throws {@link StalledException}. Chunks
 * are requested one at a time, so at most a couple of network buffers are held in memory.
 */
final class BodyStream extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {

    /** No byte arrived for the stall timeout. */
    static final class StalledException extends IOException {
        StalledException(String message) {
            super(message);
        }
    }

    private static final Object END = new Object();

    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Duration stallTimeout;
    private final String what;
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> chunks = List.<ByteBuffer>of().iterator();
    private ByteBuffer current;
    private boolean done;

    BodyStream(Duration stallTimeout, String what) {
        this.stallTimeout = stallTimeout;
        this.what = what;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (chunks.hasNext()) {
                current = chunks.next();
                continue;
            }
            if (done) {
                return -1;
            }
            Object item;
            try {
                item = queue.poll(stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new InterruptedIOException("interrupted reading " + what);
            }
            if (item == null) {
                close();
                throw new StalledException("no data for " + stallTimeout.toSeconds() + " s from " + what);
            }
            if (item == END) {
                done = true;
                return -1;
            }
            if (item instanceof Throwable t) {
                done = true;
                throw t instanceof IOException io ? io : new IOException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
            }
            @SuppressWarnings("unchecked")
            List<ByteBuffer> list = (List<ByteBuffer>) item;
            chunks = list.iterator();
            Flow.Subscription s = subscription;
            if (s != null) {
                s.request(1);
            }
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
    }

    /** Reads everything, failing when more than {@code limit} bytes come. */
    byte[] readAllCapped(long limit) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
            if (out.size() > limit) {
                close();
                throw new IOException(what + " is larger than " + limit + " bytes");
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        done = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
