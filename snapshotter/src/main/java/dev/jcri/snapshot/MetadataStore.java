package dev.jcri.snapshot;

import dev.jcri.json.Json;
import dev.jcri.linux.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and writes {@link SnapshotRecord}s as {@code info.json} inside each snapshot directory.
 *
 * <p>One file per snapshot, next to its data, rather than one database: a snapshot directory is
 * renamed into place together with its metadata, so "the directory exists" and "the snapshot is
 * recorded" can never disagree after a crash. Writes are atomic (temp file, rename).
 */
final class MetadataStore {
    static final String FILE_NAME = "info.json";

    /**
     * Writes a record atomically; durably (flushed) only for a committed layer. A writable snapshot
     * or a view lives no longer than its container, and nothing of a container survives a power
     * loss: a record of one that a power loss lost or emptied is discarded at the next start, as
     * an unpublished directory is, and its owner's recovery sweeps the rest. A kill -9 loses
     * nothing either way (the page cache outlives the process).
     */
    void write(Path snapshotDir, SnapshotRecord record) throws IOException {
        if (durable(record)) {
            AtomicFiles.write(snapshotDir.resolve(FILE_NAME), out -> Json.prettyWriter().writeValue(out, record));
        } else {
            AtomicFiles.replace(snapshotDir.resolve(FILE_NAME), out -> Json.prettyWriter().writeValue(out, record));
        }
    }

    /**
     * Writes the record of a layer being committed in its staging directory, not flushed by itself:
     * the caller flushes the whole directory with one syncfs(2) before it publishes it, which makes
     * this file and its rename durable too (two fsyncs less per layer). An unpublished directory is
     * discarded at start-up, whatever its record says.
     */
    void writeStaged(Path stagingDir, SnapshotRecord record) throws IOException {
        AtomicFiles.replace(stagingDir.resolve(FILE_NAME), out -> Json.prettyWriter().writeValue(out, record));
    }

    /** Whether a record, and the publication or removal of its directory, is flushed to disk. */
    static boolean durable(SnapshotRecord record) {
        return record.kind() == SnapshotKind.COMMITTED;
    }

    /** The record in a snapshot directory, or empty if it has none (an unfinished or foreign directory). */
    Optional<SnapshotRecord> read(Path snapshotDir) throws IOException {
        Path file = snapshotDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(Json.reader().readValue(file.toFile(), SnapshotRecord.class));
    }
}
