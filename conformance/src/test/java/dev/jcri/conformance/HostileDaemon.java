package dev.jcri.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import runtime.v1.Api;

/**
 * A jcri of its own for tests that play a hostile registry, image or container: started with a
 * small heap ({@link #HEAP}) and the JVM's exit on OutOfMemoryError, so that anything buffered
 * without a bound kills it, and with short registry timeouts. {@link #assertHealthy()} is what
 * every such test checks afterwards: the daemon still runs and answers, never ran out of heap,
 * and left no download, staging directory or temp file behind.
 */
public final class HostileDaemon implements AutoCloseable {

    /** The heap cap: a quarter of production's, far less than any attack here would need. */
    public static final String HEAP = "-Xmx64m";
    /** registry.stall_timeout_seconds of this daemon. */
    public static final int STALL_SECONDS = 3;

    private final Path dir;
    private final JcriProcess jcri;
    private final CriClient cri;

    private HostileDaemon(Path dir, JcriProcess jcri) {
        this.dir = dir;
        this.jcri = jcri;
        this.cri = new CriClient(jcri.socket());
    }

    /** Starts one in a new temporary directory; {@code extraToml} is appended to its config. */
    public static HostileDaemon start(String extraToml) throws IOException {
        Path dir = Files.createTempDirectory("jcri-hostile-");
        Path config = Files.writeString(dir.resolve("jcri.toml"), "[registry]\nstall_timeout_seconds = " + STALL_SECONDS
                + "\nmax_attempts = 2\n" + extraToml);
        JcriProcess jcri = JcriProcess.start(dir, JcriProcess.javaLauncher(List.of(HEAP)),
                List.of("--config", config.toString(), "--log-level", "debug"));
        return new HostileDaemon(dir, jcri);
    }

    public CriClient cri() {
        return cri;
    }

    public JcriProcess process() {
        return jcri;
    }

    public Path dir() {
        return dir;
    }

    /** Whether the daemon is alive and answers a Version call (a dying JVM may still be alive for a moment). */
    public boolean answers() {
        try {
            cri.runtime().withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS).version(Api.VersionRequest.getDefaultInstance());
            return jcri.process().isAlive();
        } catch (io.grpc.StatusRuntimeException e) {
            return false;
        }
    }

    /** The daemon runs, answers, never ran out of heap, and no pull left anything behind. */
    public void assertHealthy() throws IOException {
        assertTrue(jcri.process().isAlive(), "jcri died (exit " + (jcri.process().isAlive() ? "-" : jcri.process().exitValue())
                + "); its log:\n" + tail(jcri.logText()));
        assertEquals("jcri", cri.runtime().version(Api.VersionRequest.getDefaultInstance()).getRuntimeName());
        String log = jcri.logText();
        assertFalse(log.contains("OutOfMemoryError") || log.contains("FATAL"), "heap or thread failure in the log:\n" + tail(log));
        Path root = jcri.root();
        assertEquals(List.of(), list(root.resolve("images/content/ingest")), "downloads left behind");
        assertEquals(List.of(), list(root.resolve("snapshots/staging")), "staging directories left behind");
        try (Stream<Path> all = Files.walk(root.resolve("images/content/blobs"))) {
            assertEquals(List.of(), all.filter(p -> p.getFileName().toString().startsWith(".")).toList(), "temp files left behind");
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static String tail(String log) {
        return log.length() <= 6000 ? log : "..." + log.substring(log.length() - 6000);
    }

    /** Milliseconds since {@code startNanos} (System.nanoTime()): for "fails fast" checks. */
    public static long millisSince(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }

    /**
     * Stops the daemon and deletes its directory. If it died (the defect a test reported), a fresh
     * jcri on the same root and state first removes the pods it left (their containers live on
     * under conmon), so that a failing case leaks nothing either.
     */
    @Override
    public void close() throws IOException {
        cri.close();
        if (jcri.process().isAlive()) {
            jcri.close();
        } else {
            try (JcriProcess again = JcriProcess.start(dir, List.of("--config", dir.resolve("jcri.toml").toString()));
                    CriClient client = new CriClient(again.socket())) {
                for (Api.PodSandbox pod : client.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                    Pods.stopAndRemove(client, pod.getId());
                }
            }
        }
        try {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
