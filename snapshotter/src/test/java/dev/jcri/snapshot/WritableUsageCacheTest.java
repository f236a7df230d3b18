package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writable snapshots' usage as stats calls read it: never a walk on the caller's thread, fresh
 * after the time-to-live, nothing kept for removed snapshots.
 */
class WritableUsageCacheTest {

    @TempDir
    Path base;

    @Test
    void aNewWritableSnapshotIsMeasuredAtOnceAndAWriteShowsAfterTheTtl() throws Exception {
        OverlaySnapshotter store = new OverlaySnapshotter(base.resolve("root"), false, Duration.ofMillis(200),
                UsageCalculator::measure);
        store.prepare("c1", null, Map.of());
        MeasuredUsage empty = store.cachedUsage("c1").orElseThrow();
        assertEquals(1, empty.usage().inodes(), "the empty upper directory itself");
        assertTrue(empty.atEpochNanos() > 0);

        Files.write(store.contentDirectory("c1").resolve("blob"), new byte[1 << 20]);
        MeasuredUsage later = await(() -> store.cachedUsage("c1").filter(u -> u.usage().bytes() >= 1 << 20));
        assertEquals(2, later.usage().inodes());
        assertTrue(later.atEpochNanos() > empty.atEpochNanos(), "the measurement's own time");
    }

    /** A walker whose walks after the first (the new, empty directory) hang until released: a layer with millions of files. */
    private static final class StuckWalker implements WritableUsageCache.Walker {
        final CountDownLatch walking = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger walks = new AtomicInteger();
        /** Returns a usage without reading the directory: a walk that succeeds even after its snapshot is gone. */
        final boolean blind;

        StuckWalker(boolean blind) {
            this.blind = blind;
        }

        @Override
        public LayerStore.Usage measure(Path dir) throws IOException {
            if (walks.incrementAndGet() > 1) {
                walking.countDown();
                awaitQuietly(release);
            }
            return blind ? new LayerStore.Usage(4096, 1) : UsageCalculator.measure(dir);
        }
    }

    @Test
    void aReaderNeverWaitsForAWalk() throws Exception {
        StuckWalker walker = new StuckWalker(false);
        OverlaySnapshotter store = new OverlaySnapshotter(base.resolve("root"), false, Duration.ZERO, walker);
        try {
            store.prepare("c1", null, Map.of());
            assertTrue(store.cachedUsage("c1").isPresent(), "measured at creation");
            assertTrue(walker.walking.await(10, TimeUnit.SECONDS), "a refresh was queued");
            long started = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                assertTrue(store.cachedUsage("c1").isPresent());
            }
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1), "readers waited for the walk");
            assertEquals(2, walker.walks.get(), "one refresh at a time per snapshot, however many readers");
        } finally {
            walker.release.countDown();
        }
    }

    @Test
    void aRemovedSnapshotIsForgottenEvenWhenItsWalkEndsAfterTheRemoval() throws Exception {
        StuckWalker walker = new StuckWalker(true);
        OverlaySnapshotter store = new OverlaySnapshotter(base.resolve("root"), false, Duration.ZERO, walker);
        store.prepare("c1", null, Map.of());
        store.cachedUsage("c1");
        assertTrue(walker.walking.await(10, TimeUnit.SECONDS));
        store.remove("c1");
        walker.release.countDown();
        WritableUsageCache cache = cacheOf(store);
        await(() -> walker.walks.get() == 2 && cache.size() == 0 ? Optional.of(true) : Optional.empty());
        assertEquals(Optional.empty(), store.cachedUsage("c1"));
    }

    private static WritableUsageCache cacheOf(OverlaySnapshotter store) {
        return store.writableUsageCache();
    }

    private static void awaitQuietly(CountDownLatch latch) throws IOException {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private interface Probe<T> {
        Optional<T> get() throws IOException;
    }

    private static <T> T await(Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 20 s");
            }
            Thread.sleep(10);
        }
    }
}
