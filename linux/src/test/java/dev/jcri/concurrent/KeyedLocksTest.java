package dev.jcri.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyedLocksTest {
    @Test
    void sameKeyIsSerialisedOtherKeysAreNot() throws Exception {
        KeyedLocks<String> locks = new KeyedLocks<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                all.add(ex.submit(() -> {
                    try (var _ = locks.lock("pod")) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        for (int spin = 0; spin < 1000; spin++) {
                            Thread.onSpinWait(); // a window for another thread to get in, were the lock broken
                        }
                        inside.decrementAndGet();
                    }
                }));
            }
        }
        for (Future<?> f : all) {
            f.get();
        }
        assertEquals(1, maxInside.get());
        assertEquals(0, locks.size(), "slots are dropped when unused");

        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> holder = ex.submit(() -> {
                try (var _ = locks.lock("a")) {
                    holding.countDown();
                    release.await();
                }
                return null;
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            Future<?> other = ex.submit(() -> {
                try (var _ = locks.lock("b")) {
                    return null;
                }
            });
            other.get(10, TimeUnit.SECONDS); // not blocked by "a"
            release.countDown();
            holder.get(10, TimeUnit.SECONDS);
        }
        assertEquals(0, locks.size());
    }
}
