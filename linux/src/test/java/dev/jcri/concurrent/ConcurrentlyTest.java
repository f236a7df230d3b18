package dev.jcri.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrentlyTest {

    /** Every step runs at the same time: each waits until all have started (sequential steps would never finish). */
    @Test
    void stepsRunAtTheSameTime() throws IOException {
        CountDownLatch allStarted = new CountDownLatch(3);
        Concurrently.forEach(List.of(1, 2, 3), i -> {
            allStarted.countDown();
            try {
                if (!allStarted.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("step " + i + " ran alone");
                }
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
    }

    /** A failing step neither stops the others nor returns before they end; the first failure in order is thrown. */
    @Test
    void everyStepRunsToItsEndAndTheFirstFailureIsReported() {
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch failing = new CountDownLatch(1);
        IOException e = assertThrows(IOException.class, () -> Concurrently.forEach(List.of(1, 2, 3), i -> {
            if (i == 2) {
                failing.countDown();
                throw new IOException("step 2 failed");
            }
            try {
                failing.await(); // the others end after the failure
            } catch (InterruptedException ex) {
                throw new IOException(ex);
            }
            finished.incrementAndGet();
            if (i == 3) {
                throw new IOException("step 3 failed");
            }
        }));
        assertEquals("step 2 failed", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertEquals(2, finished.get(), "both other steps ran to their end before the call returned");
    }

    @Test
    void aRuntimeFailureKeepsItsType() {
        assertThrows(IllegalStateException.class, () -> Concurrently.run(List.of(() -> { }, () -> {
            throw new IllegalStateException("bug");
        })));
    }

    @Test
    void noStepIsNothingToDo() throws IOException {
        Concurrently.run(List.of());
        assertTrue(true);
    }
}
