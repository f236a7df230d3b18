package dev.jcri.sandbox.container;

import dev.jcri.json.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.linux.ChildProcess;
import dev.jcri.linux.ProcessResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OCI runtime handler (runc, crun): its binary and its state root. Commands follow the OCI
 * runtime CLI both share (create is done by conmon; start, kill, delete, state, exec, update here).
 */
public final class OciRuntime {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    /** Dumping a large container's memory takes a while. */
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration FEATURES_TIMEOUT = Duration.ofSeconds(10);
    /** runc 1.1's answer is about 4 KiB. */
    private static final int FEATURES_LIMIT = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(OciRuntime.class);

    private final String handler;
    private final Path binary;
    private final Path stateRoot;
    private final boolean systemdCgroup;
    private final RuntimeFeatures features;

    /**
     * @param handler       the RuntimeClass handler name ("runc", "crun")
     * @param binary        the runtime executable
     * @param stateRoot     its --root (one per handler, under jcri's state dir)
     * @param systemdCgroup whether cgroupsPath is in systemd's "slice:prefix:name" form
     * @param features      what the runtime reported it can do ({@link #askFeatures})
     */
    public OciRuntime(String handler, Path binary, Path stateRoot, boolean systemdCgroup, RuntimeFeatures features) {
        this.handler = handler;
        this.binary = binary;
        this.stateRoot = stateRoot;
        this.systemdCgroup = systemdCgroup;
        this.features = features;
    }

    public String handler() {
        return handler;
    }

    /** What the runtime reported at start (nothing, for a runtime without a features command). */
    public RuntimeFeatures features() {
        return features;
    }

    /**
     * Asks a runtime binary what it supports ({@code features}). A runtime without the command
     * (it exits non-zero: runc 1.0, crun 1.8) or with an unreadable answer reports nothing.
     */
    public static RuntimeFeatures askFeatures(Path binary) {
        ProcessResult r;
        try {
            r = ChildProcess.command(binary.toString(), "features").timeout(FEATURES_TIMEOUT).outputLimit(FEATURES_LIMIT).run();
        } catch (IOException e) {
            LOG.warn("{} features: {}", binary, e.getMessage());
            return RuntimeFeatures.UNREPORTED;
        }
        if (!r.succeeded()) {
            return RuntimeFeatures.UNREPORTED;
        }
        try {
            return RuntimeFeatures.parse(r.stdout());
        } catch (IOException e) {
            LOG.warn("{} features answered something that is not a features document: {}", binary, e.getMessage());
            return RuntimeFeatures.UNREPORTED;
        }
    }

    public Path binary() {
        return binary;
    }

    /** The global flags every invocation carries (conmon passes them through --runtime-arg). */
    public List<String> globalArgs() {
        List<String> args = new ArrayList<>(List.of("--root=" + stateRoot));
        if (systemdCgroup) {
            args.add("--systemd-cgroup");
        }
        return args;
    }

    private List<String> command(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(binary.toString());
        argv.addAll(globalArgs());
        argv.addAll(List.of(args));
        return argv;
    }

    public void start(String id) throws IOException {
        run("start", id);
    }

    /** Sends a signal to the container's init process. */
    public void kill(String id, int signal) throws IOException {
        run("kill", id, Integer.toString(signal));
    }

    /** Deletes the runtime's state (and the container's cgroup); --force kills a live container first. */
    public void delete(String id) throws IOException {
        if (!java.nio.file.Files.exists(stateRoot.resolve(id), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // runc and crun keep a container's state in <root>/<id>: none, nothing to delete (and no
            // process to start: RemoveContainer after the exit's own delete costs no fork)
            return;
        }
        ProcessResult r = ChildProcess.command(command("delete", "--force", id)).timeout(COMMAND_TIMEOUT).run();
        if (!r.succeeded() && !notFound(r)) {
            throw new IOException(handler + " delete " + id + " failed: " + r.stderrText().strip());
        }
    }

    /** The runtime's view ("created", "running", "stopped", "paused"), or empty if it does not know the container. */
    public Optional<String> state(String id) throws IOException {
        ProcessResult r = ChildProcess.command(command("state", id)).timeout(COMMAND_TIMEOUT).run();
        if (!r.succeeded()) {
            if (notFound(r)) {
                return Optional.empty();
            }
            throw new IOException(handler + " state " + id + " failed: " + r.stderrText().strip());
        }
        JsonNode state = Json.reader().readTree(r.stdout());
        return Optional.of(state.path("status").asText());
    }

    /** Applies new cgroup limits (an OCI LinuxResources JSON document) to a running container. */
    public void update(String id, byte[] resourcesJson) throws IOException {
        ProcessResult r = ChildProcess.command(command("update", "--resources", "-", id))
                .stdin(resourcesJson).timeout(COMMAND_TIMEOUT).run();
        if (!r.succeeded()) {
            throw new IOException(handler + " update " + id + " failed: " + r.stderrText().strip());
        }
    }

    /**
     * {@code checkpoint --image-path DIR --work-path DIR [--leave-running] ID}, the CLI runc and
     * crun share; CRIU's dump.log lands in the image directory beside the images.
     */
    public void checkpoint(String id, Path imageDir, boolean leaveRunning) throws IOException {
        List<String> args = new ArrayList<>(List.of("checkpoint", "--image-path", imageDir.toString(),
                "--work-path", imageDir.toString()));
        if (leaveRunning) {
            args.add("--leave-running");
        }
        args.add(id);
        ProcessResult r = ChildProcess.command(command(args.toArray(String[]::new))).timeout(CHECKPOINT_TIMEOUT).run();
        if (!r.succeeded()) {
            throw new IOException(handler + " checkpoint " + id + " failed: " + r.stderrText().strip());
        }
    }

    /** Output of an exec, and whether its deadline killed it. */
    public record ExecOutcome(ProcessResult result, boolean timedOut) {}

    /**
     * Runs a process in the container, described in full by a process document (see
     * {@link ExecProcess}: the runtimes' defaults for an exec differ, the document does not),
     * capturing output up to {@code outputLimit} bytes per stream. On timeout the exec'd processes are
     * killed inside the container, leaves first, so that their parents reap them and the runtime
     * (the exec'd process's parent) reaps the last one: killing the runtime first would orphan
     * them to the container's init, which need not reap zombies. The container is untouched.
     *
     * @param processFile the OCI process document (JSON) to run
     * @param pidFile     where the runtime writes the exec'd process's pid (a path in the bundle)
     */
    public ExecOutcome exec(String id, Path processFile, Duration timeout, int outputLimit, Path pidFile)
            throws IOException {
        List<String> argv = command("exec", "--process", processFile.toString(), "--pid-file", pidFile.toString(), id);
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        Thread killer = null;
        if (timeout != null) {
            killer = Thread.ofVirtual().name("exec-deadline-" + id).start(() -> {
                try {
                    Thread.sleep(timeout);
                } catch (InterruptedException done) {
                    return;
                }
                expired.set(true);
                killExecTree(pidFile);
            });
        }
        try {
            // the runtime's own limit is a backstop only: the deadline above ends the command first
            ChildProcess.Builder b = ChildProcess.command(argv).outputLimit(outputLimit);
            if (timeout != null) {
                b.timeout(timeout.plus(COMMAND_TIMEOUT));
            }
            ProcessResult result = b.run();
            return new ExecOutcome(result, expired.get() || result.timedOut());
        } finally {
            if (killer != null) {
                killer.interrupt();
            }
            java.nio.file.Files.deleteIfExists(pidFile);
        }
    }

    /**
     * Kills the process an exec started (its pid is in {@code pidFile}) and its descendants, leaves
     * first; nothing when the file is empty or missing.
     */
    public static void killExecTree(Path pidFile) {
        String text = dev.jcri.linux.ProcFiles.readTrimmedOrEmpty(pidFile);
        if (text.isEmpty()) {
            return;
        }
        ProcessHandle.of(Long.parseLong(text)).ifPresent(root -> {
            List<ProcessHandle> leavesFirst = new ArrayList<>(root.descendants().toList());
            java.util.Collections.reverse(leavesFirst);
            leavesFirst.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (leavesFirst.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            root.destroyForcibly();
        });
    }

    private void run(String verb, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(verb));
        all.addAll(List.of(args));
        ProcessResult r = ChildProcess.command(command(all.toArray(String[]::new))).timeout(COMMAND_TIMEOUT).run();
        if (!r.succeeded()) {
            String detail = r.stderrText().strip();
            if (notFound(r)) {
                throw new ContainerGoneException(handler + " " + verb + " " + String.join(" ", args) + ": " + detail);
            }
            throw new IOException(handler + " " + verb + " " + String.join(" ", args) + " failed: " + detail);
        }
    }

    /**
     * The runtime's way of saying the container or its process is gone: runc's "does not exist",
     * crun's "open pidfd: No such process" when the process exited a moment before a kill.
     */
    private static boolean notFound(ProcessResult r) {
        String err = r.stderrText();
        return err.contains("does not exist") || err.contains("not found") || err.contains("No such file")
                || err.contains("No such process");
    }

    /** The runtime no longer knows the container (it exited and was deleted, or never existed). */
    public static final class ContainerGoneException extends IOException {
        public ContainerGoneException(String message) {
            super(message);
        }
    }

    /**
     * The command line of {@code exec --process FILE --pid-file P ID}, for a caller that wires its
     * stdio itself (a streaming exec: pipes, or a terminal). Its exit status is the exec'd
     * process's; end it with {@link #killExecTree} on the pid file.
     */
    public List<String> execCommand(String id, Path processFile, Path pidFile) {
        return command("exec", "--process", processFile.toString(), "--pid-file", pidFile.toString(), id);
    }
}
