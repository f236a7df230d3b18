package dev.jcri.image.pull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull's progress, logged at info level every interval while the pull runs, one line each:
 * {@code pulling REF: 12.3 of 40.0 MB, 1 of 3 layers, 2.1 MB/s}. An operator watching a long pull
 * sees whether it moves (the rate is over the last interval, so a stalled download shows 0.0 MB/s
 * before the stall timeout ends it). Pulls shorter than one interval log nothing extra.
 *
 * <p>Bytes count what this pull downloads itself; a layer it shares with another pull under way is
 * counted by that pull, and here only as a layer once it is done.
 */
final class PullProgress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Puller.class);

    private final String ref;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger layersDone = new AtomicInteger();
    private volatile long totalBytes = -1;
    private volatile int totalLayers = -1;
    private final ScheduledFuture<?> ticking;
    private long lastBytes;
    private long lastNanos = System.nanoTime();

    /** Starts logging every {@code interval} on {@code ticker} (never when the interval is zero) until closed. */
    PullProgress(String ref, ScheduledExecutorService ticker, Duration interval) {
        this.ref = ref;
        this.ticking = interval.isZero() ? null
                : ticker.scheduleAtFixedRate(this::log, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The image's layers are known: {@code present} of {@code layers} are there already; {@code bytes} are to download. */
    void plan(int layers, int present, long bytes) {
        totalBytes = bytes;
        layersDone.set(present);
        totalLayers = layers;
    }

    void downloaded(long n) {
        bytes.addAndGet(n);
    }

    void layerDone() {
        layersDone.incrementAndGet();
    }

    /** Bytes this pull downloaded. */
    long downloadedBytes() {
        return bytes.get();
    }

    /** The line logged now; the rate is over the time since the previous line. */
    synchronized String line() {
        long now = System.nanoTime();
        long done = bytes.get();
        double seconds = Math.max((now - lastNanos) / 1e9, 1e-3);
        double rate = (done - lastBytes) / 1e6 / seconds;
        lastNanos = now;
        lastBytes = done;
        int layers = totalLayers;
        if (layers < 0) {
            return "pulling " + ref + ": fetching the manifest and config";
        }
        return String.format("pulling %s: %.1f of %.1f MB, %d of %d layers, %.1f MB/s", ref, done / 1e6,
                Math.max(totalBytes, done) / 1e6, layersDone.get(), layers, rate);
    }

    private void log() {
        LOG.info("{}", line());
    }

    @Override
    public void close() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }
}
