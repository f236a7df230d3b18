package dev.jcri.server.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.UnixDatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog is fed only while the health check passes, and systemd hears why it is not. */
class WatchdogTest {

    @TempDir
    Path dir;

    private static String next(UnixDatagramSocket socket, Duration within) throws Exception {
        byte[] buf = new byte[1024];
        int n = socket.receive(buf, within);
        return n < 0 ? null : new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    /** Messages until {@code wanted} arrives (inclusive), failing after {@code within}. */
    private static List<String> until(UnixDatagramSocket socket, String wanted, Duration within) throws Exception {
        List<String> got = new ArrayList<>();
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            String m = next(socket, Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
            if (m != null) {
                got.add(m);
                if (m.startsWith(wanted)) {
                    return got;
                }
            }
        }
        throw new AssertionError("no " + wanted + " within " + within + ": " + got);
    }

    @Test
    void pingsOnlyWhileHealthyAndSaysWhyNot() throws Exception {
        String path = dir.resolve("notify").toString();
        AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.empty());
        try (UnixDatagramSocket systemd = UnixDatagramSocket.bind(path);
                Watchdog _ = Watchdog.start(ServiceNotifier.fromEnvironment(
                        Map.of("NOTIFY_SOCKET", path, "WATCHDOG_USEC", "100000"), 1), within -> problem.get(), () -> false)) {
            until(systemd, "WATCHDOG=1", Duration.ofSeconds(10));
            until(systemd, "WATCHDOG=1", Duration.ofSeconds(10));

            problem.set(Optional.of("the socket does not answer"));
            until(systemd, "STATUS=unhealthy: the socket does not answer", Duration.ofSeconds(10));
            // ten periods (50 ms each) with no ping at all
            long end = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (System.nanoTime() < end) {
                String m = next(systemd, Duration.ofNanos(Math.max(1_000_000, end - System.nanoTime())));
                assertFalse(m != null && m.contains("WATCHDOG=1"), "pinged while unhealthy");
            }

            problem.set(Optional.empty());
            List<String> recovered = until(systemd, "STATUS=ready", Duration.ofSeconds(10));
            assertEquals("WATCHDOG=1", recovered.get(recovered.size() - 2), recovered.toString());
        }
    }

    @Test
    void noWatchdogWithoutWatchdogUsecOrForAnotherProcess() {
        assertTrue(ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/run/x"), 7).watchdogTimeout().isEmpty());
        assertTrue(ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "/run/x", "WATCHDOG_USEC", "1000000",
                "WATCHDOG_PID", "8"), 7).watchdogTimeout().isEmpty(), "addressed to another process");
        assertEquals(Optional.of(Duration.ofSeconds(1)), ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "@sd",
                "WATCHDOG_USEC", "1000000", "WATCHDOG_PID", "7"), 7).watchdogTimeout());
        assertFalse(ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "relative"), 7).active());
        assertFalse(ServiceNotifier.fromEnvironment(Map.of(), 7).active());
    }
}
