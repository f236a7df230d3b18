package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.ProcFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The production {@link ContainerRuntime}: conmon monitors each container (it survives jcri,
 * writes the CRI log, reports the exit) and an OCI runtime CLI (runc, crun) does the rest. What is
 * specific to the pair lives here and nowhere else: conmon's control-FIFO protocol, its pid file,
 * the runtimes' wording for "already gone".
 */
public final class ConmonRuntime implements ContainerRuntime {

    /** conmon's control message "2 0 0": reopen the log file. */
    private static final byte[] REOPEN_LOG = "2 0 0\n".getBytes(StandardCharsets.US_ASCII);

    private final OciRuntime oci;
    private final Conmon conmon;
    private final ContainerPaths paths;

    public ConmonRuntime(OciRuntime oci, Conmon conmon, ContainerPaths paths) {
        this.oci = oci;
        this.conmon = conmon;
        this.paths = paths;
    }

    @Override
    public String handler() {
        return oci.handler();
    }

    @Override
    public RuntimeFeatures features() {
        return oci.features();
    }

    /** The OCI runtime CLI behind this handler (for what the seam does not cover yet). */
    public OciRuntime oci() {
        return oci;
    }

    @Override
    public long create(CreateRequest r, Duration timeout) throws IOException {
        return conmon.create(new Conmon.CreateRequest(r.containerId(), r.name(), oci, paths.bundle(r.containerId()),
                r.logPath(), paths.exits(), paths.attachDir(), r.terminal(), r.stdin(), r.stdinOnce()), timeout);
    }

    @Override
    public long restore(CreateRequest r, Path imageDir, Duration timeout) throws IOException {
        return conmon.create(new Conmon.CreateRequest(r.containerId(), r.name(), oci, paths.bundle(r.containerId()),
                r.logPath(), paths.exits(), paths.attachDir(), r.terminal(), r.stdin(), r.stdinOnce(), imageDir), timeout);
    }

    @Override
    public void start(String id) throws IOException {
        oci.start(id);
    }

    @Override
    public void signal(String id, int signal) throws IOException {
        try {
            oci.kill(id, signal);
        } catch (OciRuntime.ContainerGoneException gone) {
            // already exited; its exit report tells the rest
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains("not running") && !message.contains("process already finished")) {
                throw e;
            }
        }
    }

    @Override
    public void delete(String id) throws IOException {
        oci.delete(id);
    }

    @Override
    public Optional<Status> status(String id) throws IOException {
        return oci.state(id).map(s -> switch (s) {
            case "created", "creating" -> Status.CREATED;
            case "running" -> Status.RUNNING;
            case "paused", "pausing" -> Status.PAUSED;
            default -> Status.STOPPED;
        });
    }

    /**
     * The pid file names this container's conmon only while that process lives and its command
     * line names the container: a pid file that outlived its process (a reboot with a persistent
     * state directory) may name another process now, and a dead conmon not yet reaped has none.
     */
    @Override
    public boolean monitorAlive(String id) {
        String pid = ProcFiles.readTrimmedOrEmpty(paths.monitorPidFile(id));
        if (pid.isEmpty() || !pid.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        return ProcFiles.readTrimmedOrEmpty(Path.of("/proc", pid, "cmdline")).contains(id);
    }

    @Override
    public void update(String id, byte[] resourcesJson) throws IOException {
        oci.update(id, resourcesJson);
    }

    @Override
    public ExecOutcome exec(String id, Path processFile, Duration timeout, int outputLimit) throws IOException {
        Path pidFile = processFile.resolveSibling(processFile.getFileName() + ".pid");
        OciRuntime.ExecOutcome o = oci.exec(id, processFile, timeout, outputLimit, pidFile);
        return new ExecOutcome(o.result().exitCode(), o.result().out(), o.result().err(), o.timedOut());
    }

    @Override
    public void checkpoint(String id, Path imageDir, boolean leaveRunning) throws IOException {
        oci.checkpoint(id, imageDir, leaveRunning);
    }

    @Override
    public List<String> execCommand(String id, Path processFile, Path pidFile) {
        return oci.execCommand(id, processFile, pidFile);
    }

    /**
     * Writes the reopen message to conmon's control FIFO. The FIFO is opened read-write, which on
     * Linux never blocks: a write-only open would wait forever for a reader when conmon is gone.
     * A dead monitor is refused first; a live one that does not reopen within a deadline is an error.
     */
    @Override
    public void reopenLog(String id) throws IOException {
        Path ctl = paths.controlFifo(id);
        if (!monitorAlive(id) || !Files.exists(ctl)) {
            throw JcriException.failedPrecondition("the log of container " + id + " cannot be reopened: its monitor (conmon) is gone");
        }
        try (FileChannel fifo = FileChannel.open(ctl, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            fifo.write(ByteBuffer.wrap(REOPEN_LOG));
        }
    }
}
