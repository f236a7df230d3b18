package dev.jcri.snapshot;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last measurement of each writable snapshot's upper directory, refreshed off the request path.
 *
 * <p>Why a cache and not a count kept while writing: a running container writes its upper
 * directory through overlayfs, behind the snapshotter's back, so the only way to know its usage is
 * to walk it, and a walk costs in proportion to the files (a container with a million files takes
 * seconds). kubelet asks for every container every ten seconds; a walk per ask would make stats
 * calls as slow as the largest layer. So a reader gets the last measurement at once, and when it is
 * older than the time-to-live a refresh is queued for the one walker thread.
 *
 * <p>Work is bounded: one walk at a time (a single thread), at most one queued refresh per
 * snapshot, a snapshot walked at most once per time-to-live and only while someone asks about it;
 * the map holds only live writable snapshots ({@link #forget} on removal, and a walk that ends
 * after its snapshot was removed stores nothing).
 */
final class WritableUsageCache {

    private static final Logger LOG = LoggerFactory.getLogger(WritableUsageCache.class);

    private record Entry(MeasuredUsage usage, long atMonotonicNanos) {}

    /** Measures one directory (the real one walks it with {@link UsageCalculator}). */
    interface Walker {
        LayerStore.Usage measure(Path dir) throws IOException;
    }

    private final Duration ttl;
    private final Walker walker;
    private final Function<String, Optional<Path>> liveDirectory;
    private final LongSupplier epochNanos;
    private final Map<String, Entry> measured = new ConcurrentHashMap<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor thread = idleEnding(new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Thread.ofPlatform().daemon().name("jcri-layer-usage").factory()));

    /**
     * @param liveDirectory the upper directory of a writable snapshot that still exists, else empty
     */
    WritableUsageCache(Duration ttl, Walker walker, Function<String, Optional<Path>> liveDirectory,
                       LongSupplier epochNanos) {
        this.ttl = ttl;
        this.walker = walker;
        this.liveDirectory = liveDirectory;
        this.epochNanos = epochNanos;
    }

    /**
     * The last measurement of {@code key}, never waiting for a walk; queues a refresh when there is
     * none or it is older than the time-to-live.
     */
    Optional<MeasuredUsage> get(String key) {
        Entry e = measured.get(key);
        if (e == null || System.nanoTime() - e.atMonotonicNanos() >= ttl.toNanos()) {
            refreshLater(key);
        }
        return Optional.ofNullable(e).map(Entry::usage);
    }

    /** Measures now, on the caller's thread: for a snapshot just made, whose directory is empty. */
    void measureNow(String key, Path dir) throws IOException {
        store(key, walker.measure(dir));
    }

    /** Drops what is known of a removed snapshot. */
    void forget(String key) {
        measured.remove(key);
    }

    private void refreshLater(String key) {
        if (!queued.add(key)) {
            return;
        }
        try {
            thread.execute(() -> refresh(key));
        } catch (RejectedExecutionException closed) {
            queued.remove(key);
        }
    }

    private void refresh(String key) {
        try {
            Optional<Path> dir = liveDirectory.apply(key);
            if (dir.isEmpty()) {
                measured.remove(key);
                return;
            }
            LayerStore.Usage usage = walker.measure(dir.get());
            store(key, usage);
            if (liveDirectory.apply(key).isEmpty()) {
                measured.remove(key); // removed while we walked
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("measuring writable snapshot {} failed: {}", key, e.toString());
        } finally {
            queued.remove(key);
        }
    }

    private void store(String key, LayerStore.Usage usage) {
        measured.put(key, new Entry(new MeasuredUsage(usage, epochNanos.getAsLong()), System.nanoTime()));
    }

    /** The walker thread ends when idle, so a snapshotter nobody asks about holds no thread. */
    private static ThreadPoolExecutor idleEnding(ThreadPoolExecutor executor) {
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** How many snapshots are remembered (tests: the map stays bounded by the live ones). */
    int size() {
        return measured.size();
    }
}
