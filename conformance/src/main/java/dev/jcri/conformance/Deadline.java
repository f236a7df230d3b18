package dev.jcri.conformance;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes: the suite's only way to wait. */
public final class Deadline {

    private Deadline() {}

    /** Returns the first non-null value of {@code probe}, or throws naming {@code what} after {@code timeout}. */
    public static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        long end = System.nanoTime() + timeout.toNanos();
        long pauseMillis = 5;
        while (true) {
            T value = probe.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
            pauseMillis = Math.min(pauseMillis * 2, 100);
        }
    }
}
