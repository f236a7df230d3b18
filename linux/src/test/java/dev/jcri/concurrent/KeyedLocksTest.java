package dev.jcri.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                ex.submit(() -> {
                    try (KeyedLocks.Held h = locks.lock("pod")) {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        inside.decrementAndGet();
                    }
                });
            }
        }
        assertEquals(1, maxInside.get());
        assertEquals(0, locks.size(), "slots are dropped when unused");

        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            ex.submit(() -> {
                try (KeyedLocks.Held h = locks.lock("a")) {
                    holding.countDown();
                    release.await();
                }
                return null;
            });
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            Future<?> other = ex.submit(() -> {
                try (KeyedLocks.Held h = locks.lock("b")) {
                    return null;
                }
            });
            other.get(10, TimeUnit.SECONDS); // not blocked by "a"
            release.countDown();
        }
        assertEquals(0, locks.size());
    }
}
