package dev.jcri.sandbox.container;

import dev.jcri.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.linux.ChildEnvironment;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.PrivateFiles;
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
 * reports the created container's pid (or the runtime's error) as JSON on the file descriptor
 * named by {@code _OCI_SYNCPIPE}. Java cannot hand a child an arbitrary descriptor, so a shell
 * wrapper opens a FIFO in the bundle as fd 3 before it execs conmon. Not the child's stdout pipe:
 * the JDK drains and closes a child's stdout as soon as that process exits, and conmon's first
 * process exits (it daemonizes) before the daemon half writes its report.
 */
public final class Conmon {

    /**
     * $0 = the sync FIFO; then conmon's argv. Opened read-write: the open never blocks (a jcri
     * that died before opening its end cannot leave the shell waiting), and conmon never gets
     * EPIPE for its report when jcri died meanwhile (it would exit and orphan the created container).
     */
    private static final String WRAPPER = "exec \"$@\" 3<>\"$0\"";

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
            boolean stdinOnce,
            Path restoreFrom) {

        /** A plain create (no checkpoint to restore). */
        public CreateRequest(String containerId, String name, OciRuntime runtime, Path bundle, Path logPath, Path exitDir,
                Path attachDir, boolean terminal, boolean stdin, boolean stdinOnce) {
            this(containerId, name, runtime, bundle, logPath, exitDir, attachDir, terminal, stdin, stdinOnce, null);
        }
    }

    /**
     * Starts conmon, which runs the runtime's {@code create}; returns the container's init pid
     * once the container exists (in state "created": its process waits for {@code start}). With
     * {@code restoreFrom} (CRIU's image directory of a checkpoint) conmon runs the runtime's
     * {@code restore} instead, and the pid is the restored, running init's.
     */
    public long create(CreateRequest r, Duration timeout) throws IOException {
        PrivateFiles.createDirectories(r.exitDir());
        PrivateFiles.createDirectories(r.attachDir());
        Path fifo = r.bundle().resolve("sync.fifo");
        java.nio.file.Files.deleteIfExists(fifo);
        PosixFiles.mkfifo(fifo, 0600);
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", WRAPPER, fifo.toString(), binary.toString(),
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
                "--log-level", "warning",
                // its stderr is gone once it daemonizes: errors after that reach the node's journal only this way
                "--syslog"));
        for (String arg : r.runtime().globalArgs()) {
            argv.add("--runtime-arg");
            argv.add(arg);
        }
        if (r.restoreFrom() != null) {
            argv.add("--restore");
            argv.add(r.restoreFrom().toString());
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
        ProcessBuilder pb = ChildEnvironment.processBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("_OCI_SYNCPIPE", "3");
        Process process = pb.start();
        CompletableFuture<String> stderr = readAll(process.getErrorStream());
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofVirtual().name("conmon-sync-" + r.containerId()).start(() -> {
            // opening blocks until the wrapper opens the FIFO for writing; EOF means every conmon process closed it
            try (InputStream sync = java.nio.file.Files.newInputStream(fifo)) {
                line.complete(new BufferedReader(new InputStreamReader(sync, StandardCharsets.UTF_8)).readLine());
            } catch (IOException e) {
                line.completeExceptionally(e);
            }
        });
        try {
            String report = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (report == null) {
                throw new IOException("conmon exited without reporting the container: " + stderrText(stderr));
            }
            JsonNode json = Json.reader().readTree(report);
            long pid = json.path("data").asLong(-1); // conmon's sync message: {"data": PID} or {"data": -1, "message": ...}
            if (pid <= 0) {
                String message = json.path("message").asText("").strip();
                throw new IOException("creating the container failed: " + (message.isEmpty() ? stderrText(stderr) : message));
            }
            return pid;
        } catch (TimeoutException e) {
            process.destroyForcibly();
            unblock(fifo);
            throw new IOException("conmon did not report the container within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for conmon");
        } catch (ExecutionException e) {
            throw new IOException("reading conmon's report failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            java.nio.file.Files.deleteIfExists(fifo);
        }
    }

    /** Lets a reader still blocked in opening the FIFO (no writer ever came) return. */
    private static void unblock(Path fifo) {
        try (var _ = java.nio.channels.FileChannel.open(fifo, java.nio.file.StandardOpenOption.WRITE)) {
            // opening for writing is enough: the reader's open returns, then it sees EOF when we close
        } catch (IOException ignored) {
            // the reader is gone already
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
