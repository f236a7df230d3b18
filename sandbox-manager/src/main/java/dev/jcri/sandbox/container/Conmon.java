package dev.jcri.sandbox.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a container's monitor, conmon (the one CRI-O uses). conmon creates the container with the
 * OCI runtime, then lives beside it: it survives jcri restarts, writes the container's output in
 * the CRI log format, records the exit code in {@code <exit-dir>/<id>} (which jcri watches) and
 * notes an OOM kill in {@code <bundle>/oom}.
 *
 * <p>conmon needs its exit and attach directories to exist (it dies silently otherwise). It
 * reports the created container's pid (or the runtime's error) as JSON on the file
 * descriptor named by {@code _OCI_SYNCPIPE}. Java cannot hand a child an arbitrary descriptor, so
 * a shell wrapper makes fd 3 a copy of our stdout pipe and points stdout at /dev/null before it
 * execs conmon.
 */
public final class Conmon {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WRAPPER = "exec \"$@\" 3>&1 >/dev/null";

    private final Path binary;

    public Conmon(Path binary) {
        this.binary = binary;
    }

    /** What conmon needs to create one container. */
    public record CreateRequest(
            String containerId,
            String name,
            OciRuntime runtime,
            Path bundle,
            Path logPath,
            Path exitDir,
            Path attachDir,
            boolean terminal,
            boolean stdin,
            boolean stdinOnce) {}

    /**
     * Starts conmon, which runs the runtime's {@code create}; returns the container's init pid
     * once the container exists (in state "created": its process waits for {@code start}).
     */
    public long create(CreateRequest r, Duration timeout) throws IOException {
        java.nio.file.Files.createDirectories(r.exitDir());
        java.nio.file.Files.createDirectories(r.attachDir());
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, "jcri-conmon", binary.toString(),
                "--api-version", "1",
                "--cid", r.containerId(), "--cuuid", r.containerId(), "--name", r.name(),
                "--runtime", r.runtime().binary().toString(),
                "--bundle", r.bundle().toString(),
                "--container-pidfile", r.bundle().resolve("pidfile").toString(),
                "--conmon-pidfile", r.bundle().resolve("conmon.pid").toString(),
                "--log-path", "k8s-file:" + r.logPath(),
                "--exit-dir", r.exitDir().toString(),
                "--persist-dir", r.bundle().toString(),
                "--socket-dir-path", r.attachDir().toString(),
                "--log-level", "warning"));
        for (String arg : r.runtime().globalArgs()) {
            argv.add("--runtime-arg");
            argv.add(arg);
        }
        if (r.terminal()) {
            argv.add("--terminal");
        }
        if (r.stdin()) {
            argv.add("--stdin");
            if (!r.stdinOnce()) {
                argv.add("--leave-stdin-open");
            }
        }
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("_OCI_SYNCPIPE", "3");
        Process process = pb.start();
        CompletableFuture<String> stderr = readAll(process.getErrorStream());
        try (InputStream sync = process.getInputStream()) {
            CompletableFuture<String> line = new CompletableFuture<>();
            Thread.ofVirtual().name("conmon-sync-" + r.containerId()).start(() -> {
                try {
                    line.complete(new BufferedReader(new InputStreamReader(sync, StandardCharsets.UTF_8)).readLine());
                } catch (IOException e) {
                    line.completeExceptionally(e);
                }
            });
            String report = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (report == null) {
                throw new IOException("conmon exited without reporting the container: " + stderrText(stderr));
            }
            JsonNode json = JSON.readTree(report);
            long pid = json.path("data").asLong(-1); // conmon's sync message: {"data": PID} or {"data": -1, "message": ...}
            if (pid <= 0) {
                String message = json.path("message").asText("").strip();
                throw new IOException("creating the container failed: " + (message.isEmpty() ? stderrText(stderr) : message));
            }
            return pid;
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("conmon did not report the container within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for conmon");
        } catch (ExecutionException e) {
            throw new IOException("reading conmon's report failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private static CompletableFuture<String> readAll(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                text.complete(new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        });
        return text;
    }

    private static String stderrText(CompletableFuture<String> stderr) {
        try {
            return stderr.get(2, TimeUnit.SECONDS).strip();
        } catch (Exception e) {
            return "(no output)";
        }
    }
}
