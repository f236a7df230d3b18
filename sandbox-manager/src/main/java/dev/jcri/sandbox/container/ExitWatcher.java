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
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns of container exits as they happen: conmon writes {@code <exit-dir>/<container id>}
 * holding the exit code, and inotify (the JDK's WatchService on Linux) reports the file at once —
 * no polling, so ContainerStatus is right within milliseconds of the exit.
 */
public final class ExitWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);

    private final Path dir;
    private final WatchService watcher;
    private final Thread thread;

    /** Starts watching; {@code onExit} gets (container id, exit code) once per complete exit file. */
    public ExitWatcher(Path dir, BiConsumer<String, Integer> onExit) throws IOException {
        this.dir = dir;
        PrivateFiles.ensureDirectory(dir);
        this.watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
        this.thread = Thread.ofPlatform().daemon().name("exit-watcher").start(() -> loop(onExit));
    }

    /** Reads an exit file: empty while conmon is still writing it. */
    public Optional<Integer> exitCode(String containerId) {
        try {
            String text = Files.readString(dir.resolve(containerId)).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Path fileOf(String containerId) {
        return dir.resolve(containerId);
    }

    private void loop(BiConsumer<String, Integer> onExit) {
        while (true) {
            WatchKey key;
            try {
                key = watcher.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    LOG.warn("exit events overflowed; rescanning {}", dir);
                    rescan(onExit);
                    continue;
                }
                String id = event.context().toString();
                exitCode(id).ifPresent(code -> deliver(onExit, id, code));
            }
            if (!key.reset()) {
                LOG.error("exit directory {} is gone: exits are no longer observed", dir);
                return;
            }
        }
    }

    /** Delivers every exit file present (used at start and after an overflow). */
    public void rescan(BiConsumer<String, Integer> onExit) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String id = f.getFileName().toString();
                exitCode(id).ifPresent(code -> deliver(onExit, id, code));
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", dir, e.getMessage());
        }
    }

    private static void deliver(BiConsumer<String, Integer> onExit, String id, int code) {
        try {
            onExit.accept(id, code);
        } catch (RuntimeException e) {
            LOG.warn("handling the exit of {} failed", id, e);
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
