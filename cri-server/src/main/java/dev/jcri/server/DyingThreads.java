package dev.jcri.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a thread of the daemon dies of an exception nothing caught: never silence.
 *
 * <p>jcri's own loops catch what they can recover from (the exit watcher restarts itself, each CRI
 * call and pull reports its failure to its caller), so a throwable reaching a thread's end is a
 * broken invariant. An {@link Error} there (a {@code WatcherDeadError} of the exit watcher, a
 * linkage or assertion error, a stack overflow) means a part of the daemon is gone: jcri logs it
 * and exits with {@link #EXIT_STATUS}, and the service manager starts a fresh one, which recovers
 * its state from disk (containers live on under conmon). A half-alive daemon that answers calls
 * with stale state would be worse. An exception in a helper thread is logged with its stack.
 * Heap exhaustion never gets here: the launcher runs the JVM with {@code -XX:+ExitOnOutOfMemoryError}.
 */
final class DyingThreads {

    /** EX_SOFTWARE: an internal error. */
    static final int EXIT_STATUS = 70;

    private static final Logger LOG = LoggerFactory.getLogger(DyingThreads.class);
    private static volatile boolean stopping;
    /** How the process ends: halt (no shutdown hooks to hang on); a seam for tests. */
    static volatile java.util.function.IntConsumer exit = status -> Runtime.getRuntime().halt(status);

    private DyingThreads() {}

    /** Makes this policy the JVM's default for every thread. */
    static void install() {
        Thread.setDefaultUncaughtExceptionHandler(DyingThreads::died);
    }

    /** The daemon is shutting down on purpose (or not, for tests): threads ending from then on are not failures. */
    static void stopping(boolean on) {
        stopping = on;
    }

    static void died(Thread thread, Throwable t) {
        if (stopping) {
            LOG.debug("thread {} ended during shutdown: {}", thread.getName(), t.toString());
            return;
        }
        if (t instanceof Error) {
            fatal("thread " + thread.getName() + " died", t);
        } else {
            LOG.error("thread {} died of an exception nothing caught", thread.getName(), t);
        }
    }

    /** Logs why the daemon cannot go on and exits non-zero (systemd's Restart= brings a fresh one). */
    static void fatal(String what, Throwable cause) {
        if (stopping) {
            return;
        }
        try {
            LOG.error("FATAL: {}; exiting with status {} so that jcri is restarted", what, EXIT_STATUS, cause);
        } finally {
            exit.accept(EXIT_STATUS);
        }
    }
}
