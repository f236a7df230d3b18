package dev.jcri.conformance.chaos;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.JcriProcess;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import runtime.v1.Api;

/**
 * The jcri daemon of a chaos run, started again and again on the same root, state and socket. A
 * fresh client per start: a channel that saw the socket die backs off its reconnects, and a
 * stale socket left by the killed daemon refuses connections until the new one replaces it.
 */
final class ChaosDaemon implements AutoCloseable {

    private final Site site;
    private final List<String> launcher;
    private final List<String> args;
    private JcriProcess process;
    private CriClient client;
    private long launchedAt;

    ChaosDaemon(Site site, List<String> launcher, List<String> args) {
        this.site = site;
        this.launcher = List.copyOf(launcher);
        this.args = List.copyOf(args);
    }

    /** Starts the daemon without waiting for it. */
    void launch() throws IOException {
        closeClient();
        process = launcher.isEmpty() ? JcriProcess.launch(site.jcriDir(), args) : JcriProcess.launch(site.jcriDir(), launcher, args);
        launchedAt = System.nanoTime();
    }

    /**
     * Waits until the daemon answers Version; returns the milliseconds since {@link #launch}.
     *
     * @throws IllegalStateException if the daemon exits first (its log's end is in the message)
     */
    long awaitServing(Duration timeout) {
        CriClient fresh = new CriClient(site.jcriDir().resolve("jcri.sock"));
        try {
            Deadline.await("jcri to answer on " + fresh.socket(), timeout, () -> {
                if (!process.process().isAlive()) {
                    throw new IllegalStateException("jcri exited with status " + process.process().exitValue()
                            + " before serving; the end of its log:\n" + logTail(4000));
                }
                fresh.channel().resetConnectBackoff();
                try {
                    fresh.runtime().withDeadlineAfter(2, TimeUnit.SECONDS).version(Api.VersionRequest.getDefaultInstance());
                    return Boolean.TRUE;
                } catch (StatusRuntimeException e) {
                    return null;
                }
            });
        } catch (RuntimeException | AssertionError e) {
            fresh.close();
            throw e;
        }
        client = fresh;
        return millisSinceLaunch();
    }

    long millisSinceLaunch() {
        return (System.nanoTime() - launchedAt) / 1_000_000;
    }

    CriClient client() {
        return client;
    }

    long pid() {
        return process != null && process.process().isAlive() ? process.process().pid() : -1;
    }

    boolean alive() {
        return process != null && process.process().isAlive();
    }

    /** SIGKILL: no shutdown code runs; children (conmon, runc, CNI plugins, unshare) live on. */
    void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM, as an orderly stop; returns the exit status. */
    int terminate() throws InterruptedException {
        closeClient();
        return process.terminate(Duration.ofSeconds(60));
    }

    /** The last {@code bytes} of the daemon's log (it holds every start's output). */
    String logTail(int bytes) {
        try (RandomAccessFile f = new RandomAccessFile(site.jcriDir().resolve("jcri.log").toFile(), "r")) {
            long from = Math.max(0, f.length() - bytes);
            byte[] buf = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public void close() {
        closeClient();
        if (alive()) {
            try {
                process.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // killed already: only the wait was cut
            }
        }
    }
}
