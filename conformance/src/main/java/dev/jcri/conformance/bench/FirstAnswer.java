package dev.jcri.conformance.bench;

import dev.jcri.conformance.CriClient;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import runtime.v1.Api;

/**
 * Start-up as kubelet sees it: from the exec of the runtime to its first answered {@code Version}.
 * Polled every millisecond (a coarser poll would be the measure's error): first for the socket
 * file, then with a fresh client per attempt, so a refused connection's reconnect back-off never
 * adds to the time.
 */
final class FirstAnswer {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private FirstAnswer() {}

    /**
     * Milliseconds from {@code execNanos} ({@link System#nanoTime()} just before the exec) until
     * {@code socket} answers Version.
     *
     * @throws IllegalStateException if the process exits or nothing answers within {@code timeout}
     */
    static double await(Path socket, Process process, long execNanos, Duration timeout) {
        long end = execNanos + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the runtime exited with " + process.exitValue() + " before answering");
            }
            if (Files.exists(socket) && answers(socket)) {
                return (System.nanoTime() - execNanos) / 1e6;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        throw new IllegalStateException("no answer to Version on " + socket + " within " + timeout.toSeconds() + " s");
    }

    private static boolean answers(Path socket) {
        try (CriClient probe = new CriClient(socket)) {
            probe.runtime().withDeadlineAfter(5, TimeUnit.SECONDS).version(Api.VersionRequest.getDefaultInstance());
            return true;
        } catch (StatusRuntimeException e) {
            return false; // not listening yet, or its CRI service not registered yet
        }
    }
}
