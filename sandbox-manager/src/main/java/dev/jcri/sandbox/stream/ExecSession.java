package dev.jcri.sandbox.stream;

import dev.jcri.linux.ProcFiles;
import dev.jcri.sandbox.container.OciRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming exec: the OCI runtime's {@code exec} as a child of jcri (its exit status is the exec'd
 * process's), with its stdio wired by a subclass (pipes, or a terminal). Closing a session whose
 * process still runs kills the exec'd process tree inside the container, leaves first, then the
 * runtime: a client that goes away never leaves a process behind.
 */
abstract sealed class ExecSession implements Session permits PipeExec, TerminalExec {

    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);
    /** How long close waits for the runtime to exit after the exec'd tree was killed, before SIGKILL. */
    private static final long KILL_GRACE_MILLIS = 5_000;

    final String containerId;
    final Process runtime;
    private final Path processFile;
    private final Path pidFile;
    private final List<Thread> pumps = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    ExecSession(String containerId, Process runtime, Path processFile, Path pidFile) {
        this.containerId = containerId;
        this.runtime = runtime;
        this.processFile = processFile;
        this.pidFile = pidFile;
    }

    void pump(Thread pump) {
        pumps.add(pump);
    }

    @Override
    public int awaitExit() throws InterruptedException {
        int code = runtime.waitFor();
        for (Thread pump : pumps) {
            pump.join(); // the output the process wrote before it exited reaches the client first
        }
        return code;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (runtime.isAlive()) {
                awaitPidFile();
                OciRuntime.killExecTree(pidFile);
                if (!runtime.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                    runtime.destroyForcibly();
                    runtime.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
                }
                LOG.debug("exec in container {} ended by its client", containerId);
            }
            for (Thread pump : pumps) {
                if (!Pumps.join(pump, KILL_GRACE_MILLIS)) {
                    pump.interrupt();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            releaseStdio();
            deleteQuietly(processFile);
            deleteQuietly(pidFile);
        }
    }

    /** Closes what the subclass holds (a terminal master) once the pumps have ended. */
    abstract void releaseStdio();

    /**
     * A session closed right after it started may find the runtime still setting up: wait until it
     * names the exec'd process (or exits), or the kill would miss the process and orphan it.
     */
    private void awaitPidFile() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILL_GRACE_MILLIS);
        while (runtime.isAlive() && ProcFiles.readTrimmedOrEmpty(pidFile).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }
}
