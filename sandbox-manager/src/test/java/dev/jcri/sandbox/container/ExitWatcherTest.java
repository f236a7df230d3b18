package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit watcher keeps container exits flowing whatever fails inside its loop: the handler it
 * calls (the seam: a handler that throws) or the watched directory itself.
 */
@Timeout(60)
class ExitWatcherTest {

    @TempDir
    Path dir;

    private final Map<String, Integer> recorded = new ConcurrentHashMap<>();

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10); // polling a condition under a deadline
        }
    }

    private void exit(Path exits, String id, int code) throws IOException {
        Path tmp = exits.resolve("." + id + ".tmp");
        Files.writeString(tmp, Integer.toString(code));
        Files.move(tmp, exits.resolve(id)); // complete at once, as conmon's rename does
    }

    /** Fails its first {@code failures} calls, throwing {@code runtime} or else {@code error}, then records. */
    private BiConsumer<String, Integer> failingFirst(int failures, RuntimeException runtime, Error error) {
        AtomicInteger calls = new AtomicInteger();
        return (id, code) -> {
            if (calls.getAndIncrement() < failures) {
                if (error != null) {
                    throw error;
                }
                throw runtime;
            }
            recorded.put(id, code);
        };
    }

    @Test
    void anErrorInTheHandlerDoesNotStopTheWatcher() throws Exception {
        Path exits = dir.resolve("exits");
        try (ExitWatcher _ = new ExitWatcher(exits, failingFirst(1, null, new StackOverflowError("injected")))) {
            exit(exits, "first", 3);
            await("the failed exit to be retried", () -> recorded.containsKey("first"));
            exit(exits, "second", 0);
            await("a later exit", () -> recorded.containsKey("second"));
            assertEquals(3, recorded.get("first"));
        }
    }

    @Test
    void anExitWhoseHandlingFailedIsRetried() throws Exception {
        Path exits = dir.resolve("exits");
        try (ExitWatcher _ = new ExitWatcher(exits, failingFirst(2, new IllegalStateException("store unavailable"), null))) {
            exit(exits, "c1", 137);
            await("the exit to be recorded after the handler recovers", () -> recorded.containsKey("c1"));
            assertEquals(137, recorded.get("c1"));
        }
    }

    @Test
    void theExitDirectoryRemovedUnderItIsWatchedAgain() throws Exception {
        Path exits = dir.resolve("exits");
        try (ExitWatcher _ = new ExitWatcher(exits, recorded::put)) {
            exit(exits, "before", 1);
            await("an exit", () -> recorded.containsKey("before"));
            Files.delete(exits.resolve("before"));
            Files.delete(exits);
            await("the directory to be back", () -> Files.isDirectory(exits));
            exit(exits, "after", 2);
            await("an exit after the directory came back", () -> recorded.containsKey("after"));
            assertTrue(recorded.get("after") == 2);
        }
    }
}
