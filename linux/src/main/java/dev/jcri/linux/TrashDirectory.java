package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of trees waiting to be deleted, so that a removal answers once what it removes is
 * unreachable instead of after walking and unlinking every file: {@link #discard} renames a tree
 * into the trash (one rename on the same file system: atomic, the tree's name is free at once) and
 * a background worker deletes it. A crash (kill -9, power loss) can leave entries in the trash:
 * {@link #sweep} at start hands every entry to the worker again, so nothing leaks.
 *
 * <p>The trash must lie on the same file system as what is discarded into it (a rename cannot
 * cross file systems), and nothing else may write into it. Deletion is the caller's (for example
 * one that refuses to descend into mounts); a failed deletion is logged and retried at the next
 * sweep. One worker per trash, in order, so a burst of removals does not compete for the disk.
 */
public final class TrashDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(TrashDirectory.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Deletes one tree (the caller's rules: mounts, symlinks). */
    @FunctionalInterface
    public interface Deletion {
        void delete(Path tree) throws IOException;
    }

    private final Path dir;
    private final Deletion deletion;
    private final ExecutorService worker;
    private volatile boolean created;

    /** A trash at {@code dir} (made, private, when first needed); {@code name} names its worker thread. */
    public TrashDirectory(Path dir, String name, Deletion deletion) {
        this.dir = dir;
        this.deletion = deletion;
        this.worker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name(name).factory());
    }

    public Path directory() {
        return dir;
    }

    /**
     * Moves {@code tree} into the trash and queues its deletion; nothing happens when it does not
     * exist. When this returns, {@code tree}'s path is free; the rename is not flushed (a power
     * loss may bring the tree back under its name: callers whose removal must survive one flush
     * the parent directory themselves).
     */
    public void discard(Path tree) throws IOException {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // a random suffix: entries left by an earlier run (same names) may still be in the trash
        ensureCreated();
        Path entry = dir.resolve(tree.getFileName() + "-" + HexFormat.of().toHexDigits(RANDOM.nextLong()));
        Files.move(tree, entry, StandardCopyOption.ATOMIC_MOVE);
        queue(entry);
    }

    /** Queues the deletion of every entry in the trash: at start, for what a crash left. */
    public void sweep() throws IOException {
        ensureCreated();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path e : entries.toList()) {
                LOG.info("deleting {}, left in the trash by an earlier run", e);
                queue(e);
            }
        }
    }

    /**
     * Waits until every deletion queued before this call has run (the worker runs them in order);
     * for tests and an orderly shutdown.
     */
    public void awaitQueued(long timeout, TimeUnit unit) throws IOException {
        try {
            worker.submit(() -> { }).get(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the trash " + dir, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the trash " + dir + " was not emptied within " + unit.toMillis(timeout) + " ms", e);
        }
    }

    private void ensureCreated() throws IOException {
        if (!created) {
            PrivateFiles.ensureDirectory(dir);
            created = true;
        }
    }

    private void queue(Path entry) {
        worker.execute(() -> {
            try {
                deletion.delete(entry);
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not delete {} (retried at the next start): {}", entry, e.toString());
            }
        });
    }
}
