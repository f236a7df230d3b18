package dev.jcri.image.registry;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter between retries of a transient failure. */
final class Backoff {
    private Backoff() {}

    /** Sleeps before attempt {@code attempt} (2, 3, ...): about 250 ms, 500 ms, 1 s, ... capped at 5 s. */
    static void pause(int attempt) throws InterruptedException {
        long base = Math.min(5000, 250L << Math.max(0, attempt - 2));
        Thread.sleep(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }
}
