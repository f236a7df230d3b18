package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.util.Ids;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a container's process: StartContainer, StopContainer (stop signal, then SIGKILL)
 * and the recording of its exit, which the monitor reports (through {@link ExitWatcher}) or, when
 * the monitor is gone, the runtime's view tells.
 *
 * <p>A verb takes the container's lock only to read its state and act on the runtime, never while
 * waiting for an exit: the exit is recorded under the same lock.
 */
final class ContainerProcesses {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerProcesses.class);
    /** After SIGKILL, how long to wait for the exit to be reported before giving up. */
    static final Duration KILL_GRACE = Duration.ofSeconds(30);
    /** How often a stop that waits checks that the monitor is still there to report the exit. */
    private static final Duration MONITOR_CHECK = Duration.ofMillis(500);
    private static final int SIGKILL = 9;
    private static final Duration LONGEST_WAIT = Duration.ofDays(36_500);
    /** The exit code recorded when no one can tell the real one (containerd's convention). */
    static final int UNKNOWN_EXIT = 255;
    /** A restore creates and runs the container at once, with CRIU reading every image file back. */
    private static final Duration RESTORE_TIMEOUT = Duration.ofMinutes(5);

    private final ContainerRecords records;
    private final ContainerRuntimes runtimes;
    private final ContainerPaths paths;
    private final ContainerEvents events;
    private final RuntimeStateReleases releases;

    ContainerProcesses(ContainerRecords records, ContainerRuntimes runtimes, ContainerPaths paths, ContainerEvents events,
            RuntimeStateReleases releases) {
        this.records = records;
        this.runtimes = runtimes;
        this.paths = paths;
        this.events = events;
        this.releases = releases;
    }

    void start(String idOrPrefix) throws IOException {
        ContainerRecord found = records.find(idOrPrefix);
        synchronized (records.lockOf(found.id())) {
            ContainerRecord record = records.current(found.id())
                    .orElseThrow(() -> JcriException.notFound("container", idOrPrefix));
            if (record.state() != ContainerState.CREATED) {
                throw JcriException.failedPrecondition("container " + record.id() + " is " + record.state().name().toLowerCase(java.util.Locale.ROOT)
                        + ", only a created container can be started");
            }
            long startedAt = Ids.nowNanos(); // before the process runs, so that it never follows its own exit
            ContainerRuntime runtime = runtimes.of(record);
            long pid = record.pid();
            boolean restore = CheckpointRestore.staged(paths.restoreImages(record.id()));
            try {
                if (restore) { // created from a checkpoint: CRIU brings its processes back (a failure is the restore's own)
                    pid = CheckpointRestore.restore(runtime, paths.restoreImages(record.id()), RESTORE_TIMEOUT);
                } else {
                    runtime.start(record.id());
                }
            } catch (IOException e) {
                if (restore) {
                    throw e;
                }
                // a StopContainer (or an OOM kill) that ended the created container first is the caller's race, not ours
                Optional<ContainerRuntime.Status> now = runtime.status(record.id());
                if (now.isEmpty() || now.get() == ContainerRuntime.Status.STOPPED) {
                    throw new JcriException(JcriException.Kind.FAILED_PRECONDITION, "container " + record.id()
                            + " stopped before it could be started", e);
                }
                throw e;
            }
            ContainerRecord started = record.started(pid, startedAt);
            // not flushed: after a power loss the container is gone, and a CREATED record comes back to
            // the same recovery as a RUNNING one (its exit recorded as lost)
            records.saveInterim(started);
            events.publish(ContainerEvents.Type.STARTED, started);
        }
        LOG.info("container {} started", Ids.shortId(found.id()));
    }

    /**
     * Stops a container: its stop signal, then SIGKILL after {@code timeout}. Idempotent: an
     * unknown or exited container is left as it is.
     */
    void stop(String idOrPrefix, Duration requestedTimeout) throws IOException {
        Duration timeout = capped(requestedTimeout);
        Optional<ContainerRecord> found = records.findIfExists(idOrPrefix);
        if (found.isEmpty()) {
            return; // the CRI asks Stop of an unknown container to succeed
        }
        String id = found.get().id();
        CompletableFuture<Void> exited = records.exitSignal(id);
        if (timeout.isPositive()) {
            Optional<ContainerRecord> signalled = signal(id, -1);
            if (signalled.isEmpty() || awaitExit(signalled.get(), exited, timeout)) {
                return;
            }
            LOG.info("container {} ignored signal {} for {} s: killing it", Ids.shortId(id), signalled.get().stopSignal(),
                    timeout.toSeconds());
        }
        Optional<ContainerRecord> killed = signal(id, SIGKILL);
        if (killed.isPresent() && !awaitExit(killed.get(), exited, KILL_GRACE)) {
            throw new IOException("container " + id + " did not exit within " + KILL_GRACE.toSeconds() + " s of SIGKILL");
        }
    }

    /**
     * Sends a signal (-1: the container's stop signal) under the container's lock, so that it
     * follows a StartContainer in progress. Empty when there is nothing left to stop.
     */
    private Optional<ContainerRecord> signal(String id, int signal) throws IOException {
        synchronized (records.lockOf(id)) {
            Optional<ContainerRecord> record = records.current(id).filter(r -> r.state() != ContainerState.EXITED);
            if (record.isPresent() && record.get().state() == ContainerState.CREATED
                    && CheckpointRestore.staged(paths.restoreImages(id))) {
                // created from a checkpoint and not restored yet: no process exists to signal
                recordLostExit(id, "stopped before its checkpoint was restored");
                return Optional.empty();
            }
            if (record.isPresent()) {
                runtimes.of(record.get()).signal(id, signal < 0 ? record.get().stopSignal() : signal);
            }
            return record;
        }
    }

    /**
     * Waits for the exit to be recorded. While waiting, checks that the monitor is still there to
     * report it: when it is gone (killed, crashed) and the runtime says the process is gone too, the
     * exit is recorded here with an unknown code, or Stop and Remove would wait for nothing.
     */
    private boolean awaitExit(ContainerRecord record, CompletableFuture<Void> exited, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ContainerRuntime runtime = runtimes.of(record);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (await(exited, Duration.ofNanos(Math.min(left, MONITOR_CHECK.toNanos())))) {
                return true;
            }
            if (!runtime.monitorAlive(record.id())) {
                Optional<ContainerRuntime.Status> status = runtime.status(record.id());
                if (status.isEmpty() || status.get() == ContainerRuntime.Status.STOPPED) {
                    recordLostExit(record.id(), "its monitor exited without reporting the exit status");
                    return true;
                }
            }
        }
    }

    private static boolean await(CompletableFuture<Void> exited, Duration timeout) {
        try {
            exited.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }

    /**
     * The monitor reported an exit: record it, with OOMKilled when the monitor saw an OOM kill,
     * then delete the runtime's state of the container; the exit is announced when that is done.
     */
    void onExit(String id, int code) {
        if (records.current(id).isEmpty()) {
            return;
        }
        ContainerRecord exited;
        synchronized (records.lockOf(id)) {
            ContainerRecord record = records.current(id).orElse(null);
            if (record == null || !hasProcess(record)) {
                // exited already, or being removed: a late report changes nothing, and is announced
                // only after the first report's runtime delete
                releases.afterRelease(id, () -> records.signalExited(id));
                return;
            }
            boolean oom = Files.exists(paths.oomMarker(id));
            String reason = oom ? "OOMKilled" : code == 0 ? "Completed" : "Error";
            // file times come from a coarse clock that can lag the one startedAt was read from
            long finished = Math.max(exitFileTime(id), record.startedAtNanos());
            try {
                exited = record.exited(code, finished, reason, "");
                records.save(exited);
                events.publish(ContainerEvents.Type.STOPPED, exited);
            } catch (IOException e) {
                // thrown, not dropped: the exit watcher retries the exit until it is recorded
                throw new UncheckedIOException("cannot record the exit of container " + id, e);
            }
            LOG.info("container {} exited with {} ({})", Ids.shortId(id), code, reason);
        }
        releaseAndSignal(exited);
    }

    /** Deletes an exited container's runtime state, then announces the exit (StopContainer waits for it). */
    private void releaseAndSignal(ContainerRecord exited) {
        Optional<ContainerRuntime> runtime = runtimes.ofIfConfigured(exited);
        if (runtime.isEmpty()) {
            records.signalExited(exited.id()); // its handler is gone from the config: RemoveContainer asks every runtime
            return;
        }
        releases.release(exited.id(), runtime.get(), () -> records.signalExited(exited.id()));
    }

    /**
     * Records an exit no monitor reported (it died, or a reboot took everything), unless one was
     * recorded meanwhile. conmon writes the exit file and then exits, so a dead monitor may well have
     * reported: its file, when there, gives the real code and the watcher's event is merely late.
     */
    void recordLostExit(String id, String why) throws IOException {
        Optional<Integer> reported = ExitWatcher.readExitCode(paths.exitFile(id));
        if (reported.isPresent()) {
            onExit(id, reported.get());
            return;
        }
        ContainerRecord exited = null;
        synchronized (records.lockOf(id)) {
            ContainerRecord record = records.current(id).orElse(null);
            if (record != null && hasProcess(record)) {
                LOG.warn("container {} is gone: {}; recording it as exited", Ids.shortId(id), why);
                exited = record.exited(UNKNOWN_EXIT, Ids.nowNanos(), "Unknown", why);
                records.save(exited);
                events.publish(ContainerEvents.Type.STOPPED, exited);
            }
        }
        if (exited != null) {
            releaseAndSignal(exited);
        } else {
            releases.afterRelease(id, () -> records.signalExited(id));
        }
    }

    /** Whether the record's state is one a process exit changes (created or running). */
    private static boolean hasProcess(ContainerRecord record) {
        return record.state() == ContainerState.CREATED || record.state() == ContainerState.RUNNING;
    }

    private long exitFileTime(String id) {
        try {
            return Ids.toNanos(Files.getLastModifiedTime(paths.exitFile(id)).toInstant());
        } catch (IOException e) {
            return Ids.nowNanos();
        }
    }

    /**
     * A caller's timeout, at most a century: a CRI timeout of Long.MAX_VALUE seconds means "no
     * limit", and the arithmetic on it (milliseconds, deadlines) must not overflow.
     */
    static Duration capped(Duration timeout) {
        return timeout != null && timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : timeout;
    }
}
