package dev.jcri.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A thread dying of an Error ends the daemon (non-zero, for a restart); an exception is logged; shutdown is quiet. */
class DyingThreadsTest {

    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private java.util.function.IntConsumer realExit;

    @BeforeEach
    void seam() {
        realExit = DyingThreads.exit;
        DyingThreads.exit = exits::add;
        DyingThreads.stopping(false);
    }

    @AfterEach
    void restore() {
        DyingThreads.exit = realExit;
        DyingThreads.stopping(false);
    }

    private static void dieIn(Throwable t) throws InterruptedException {
        Thread thread = Thread.ofPlatform().name("doomed").uncaughtExceptionHandler(DyingThreads::died).start(() -> {
            if (t instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) t;
        });
        thread.join();
    }

    @Test
    void anErrorEndsTheDaemonWithANonZeroStatus() throws Exception {
        dieIn(new StackOverflowError("injected"));
        assertEquals(List.of(DyingThreads.EXIT_STATUS), exits);
    }

    @Test
    void anExceptionInAHelperIsLoggedOnly() throws Exception {
        dieIn(new IllegalStateException("injected"));
        assertEquals(List.of(), exits);
    }

    @Test
    void threadsEndingDuringShutdownAreNotFailures() throws Exception {
        DyingThreads.stopping(true);
        dieIn(new StackOverflowError("injected"));
        assertEquals(List.of(), exits);
    }
}
