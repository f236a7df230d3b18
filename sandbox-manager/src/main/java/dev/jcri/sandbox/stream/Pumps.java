package dev.jcri.sandbox.stream;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The threads that copy a session's output to its sink. */
final class Pumps {

    private static final Logger LOG = LoggerFactory.getLogger(Pumps.class);

    private Pumps() {}

    /** A copy loop that may throw; an exception ends the copy (the client or the process went away). */
    @FunctionalInterface
    interface Copy {
        void run() throws Exception;
    }

    /**
     * Starts a copy on a virtual thread (reads of JDK pipes) or, for reads that are plain native
     * calls (a terminal, a seqpacket socket: they would pin a virtual thread's carrier), a small
     * platform thread.
     */
    static Thread start(String name, boolean nativeReads, Copy copy) {
        Runnable body = () -> {
            try {
                copy.run();
            } catch (Exception e) {
                LOG.debug("{} ended: {}", name, e.toString());
            }
        };
        return nativeReads
                ? Thread.ofPlatform().name(name).daemon().stackSize(256 * 1024).start(body)
                : Thread.ofVirtual().name(name).start(body);
    }

    /** Waits for a pump to end; false if it is still running after {@code millis}. */
    static boolean join(Thread pump, long millis) throws InterruptedException {
        return pump == null || pump.join(java.time.Duration.ofMillis(millis));
    }

    static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
