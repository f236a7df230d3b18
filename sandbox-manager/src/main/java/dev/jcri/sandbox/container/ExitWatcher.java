package dev.jcri.sandbox.container;

import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns of container exits as they happen: conmon writes {@code <exit-dir>/<container id>}
 * holding the exit code, and inotify (the JDK's WatchService on Linux) reports the file at once —
 * no polling, so ContainerStatus is right within milliseconds of the exit.
 *
 * <p>The watcher's thread is one jcri cannot lose: without it no exit is ever recorded and the
 * daemon would look alive while lying about every container. So nothing that goes wrong inside its
 * loop ends it: an exit whose handling fails (any throwable) is logged and handled again every
 * {@link #RETRY} until it succeeds; a failure of the loop itself is logged, and the loop starts
 * over and rescans the directory for the exits it may have missed; a directory removed under it is
 * created and watched again. Only when it cannot watch the directory for {@link #GIVE_UP} does it
 * give up, by throwing {@link WatcherDeadError} out of its thread: the daemon's handler for dying
 * threads then exits, and the service manager starts a fresh jcri (which recovers every exit).
 */
public final class ExitWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);
    /** How often exits whose handling failed are tried again, and failures of the loop are retried. */
    static final Duration RETRY = Duration.ofSeconds(1);
    /** How long the directory may stay unwatchable before the watcher gives up. */
    static final Duration GIVE_UP = Duration.ofSeconds(30);

    /** The exit directory cannot be watched any more: the daemon must restart. */
    public static final class WatcherDeadError extends Error {
        WatcherDeadError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path dir;
    private final BiConsumer<String, Integer> onExit;
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile WatchService watcher;
    private volatile boolean closed;

    /** Starts watching; {@code onExit} gets (container id, exit code) once per complete exit file. */
    public ExitWatcher(Path dir, BiConsumer<String, Integer> onExit) throws IOException {
        this.dir = dir;
        this.onExit = onExit;
        this.watcher = watch();
        this.thread = Thread.ofPlatform().daemon().name("exit-watcher").start(this::run);
    }

    /** Creates the directory if needed and a watch service on it. */
    private WatchService watch() throws IOException {
        PrivateFiles.ensureDirectory(dir);
        WatchService w = dir.getFileSystem().newWatchService();
        try {
            dir.register(w, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /** Reads an exit file: empty while conmon is still writing it. */
    public Optional<Integer> exitCode(String containerId) {
        return readExitCode(dir.resolve(containerId));
    }

    /** An exit file's code: empty while it is missing or still being written. */
    static Optional<Integer> readExitCode(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Path fileOf(String containerId) {
        return dir.resolve(containerId);
    }

    private void run() {
        long unwatchableSince = 0;
        while (!closed) {
            try {
                round();
                unwatchableSince = 0;
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            } catch (Throwable t) {
                if (closed) {
                    return;
                }
                // A failure inside the loop: never the end of it. Log, start over, catch up by a rescan.
                LOG.error("exit watcher on {} failed; starting over and rescanning", dir, t);
                if (unwatchableSince == 0) {
                    unwatchableSince = System.nanoTime();
                }
                try {
                    rewatch();
                    unwatchableSince = 0;
                } catch (IOException | RuntimeException e) {
                    if (System.nanoTime() - unwatchableSince > GIVE_UP.toNanos()) {
                        throw new WatcherDeadError("cannot watch the exit directory " + dir + " for " + GIVE_UP.toSeconds()
                                + " s: container exits are no longer observed", e);
                    }
                    LOG.error("cannot watch {} again yet: {}", dir, e.toString());
                    pause();
                }
            }
        }
    }

    /** Waits for events (or the next retry of failed exits) and delivers them. */
    private void round() throws InterruptedException, IOException {
        WatchService w = watcher;
        WatchKey key;
        try {
            key = failed.isEmpty() ? w.take() : w.poll(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ClosedWatchServiceException e) {
            if (closed) {
                throw new InterruptedException("closed");
            }
            throw e;
        }
        for (String id : List.copyOf(failed)) {
            failed.remove(id);
            deliverFile(id);
        }
        if (key == null) {
            return;
        }
        for (WatchEvent<?> event : key.pollEvents()) {
            if (StandardWatchEventKinds.OVERFLOW.equals(event.kind())) {
                LOG.warn("exit events overflowed; rescanning {}", dir);
                rescan(onExit);
                continue;
            }
            deliverFile(event.context().toString());
        }
        if (!key.reset()) {
            LOG.error("exit directory {} is no longer watched (removed?); watching it again", dir);
            rewatch();
        }
    }

    /** A new watch service on the (re-created) directory, then every exit file present delivered. */
    private void rewatch() throws IOException {
        WatchService fresh = watch();
        WatchService old = watcher;
        watcher = fresh;
        try {
            old.close();
        } catch (IOException ignored) {
            // it is being replaced
        }
        rescan(onExit);
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY); // backoff between attempts to watch again, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliverFile(String id) {
        exitCode(id).ifPresent(code -> deliver(onExit, id, code));
    }

    /** Delivers every exit file present (used at start and after an overflow). */
    public void rescan(BiConsumer<String, Integer> handler) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String id = f.getFileName().toString();
                exitCode(id).ifPresent(code -> deliver(handler, id, code));
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.getMessage());
        }
    }

    /** Hands one exit over; a failure is logged and the exit tried again later (by the watcher's loop). */
    private void deliver(BiConsumer<String, Integer> handler, String id, int code) {
        try {
            handler.accept(id, code);
        } catch (OutOfMemoryError e) {
            throw e; // nothing here can make that right (the launcher makes the JVM exit on it)
        } catch (Throwable t) {
            LOG.error("handling the exit of {} failed; trying again in {} ms", id, RETRY.toMillis(), t);
            failed.add(id);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        watcher.close();
        thread.interrupt();
    }
}
