package dev.jcri.sandbox.util;

import dev.jcri.errors.JcriException;
import dev.jcri.json.Json;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON records, one file per object ({@code <dir>/<id>/<fileName>}), mirrored in memory: reads
 * (List/Status calls, which kubelet makes every second) never touch the disk, and each change is
 * written atomically, so a crash leaves the old record or the new one, never half of either.
 * Private to root: directories 0700, records 0600.
 */
public final class RecordStore<T> {

    private static final Logger LOG = LoggerFactory.getLogger(RecordStore.class);

    private final Path dir;
    private final String fileName;
    private final Class<T> type;
    private final Function<T, String> idOf;
    private final Map<String, T> byId = new ConcurrentHashMap<>();

    public RecordStore(Path dir, String fileName, Class<T> type, Function<T, String> idOf) {
        this.dir = dir;
        this.fileName = fileName;
        this.type = type;
        this.idOf = idOf;
    }

    /**
     * Loads every record; unreadable ones are logged and skipped (their files stay for inspection).
     * Directories and records an older version left open (0755, 0644) are made private: records
     * hold the configs CRI gave, environments included.
     */
    public List<T> load() throws IOException {
        PrivateFiles.ensureDirectory(dir);
        List<T> loaded = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path objectDir : entries.toList()) {
                deleteTempFiles(objectDir);
                Path file = objectDir.resolve(fileName);
                if (!Files.isRegularFile(file)) {
                    // a record whose atomic write was cut before its rename: nothing was ever saved
                    deleteIfEmpty(objectDir);
                    continue;
                }
                PrivateFiles.restrict(objectDir, PrivateFiles.DIRECTORY_MODE);
                PrivateFiles.restrict(file, PrivateFiles.FILE_MODE);
                try {
                    T record = Json.reader().readValue(file.toFile(), type);
                    byId.put(idOf.apply(record), record);
                    loaded.add(record);
                } catch (IOException e) {
                    LOG.error("cannot read record {}: {}", file, e.getMessage());
                }
            }
        }
        return loaded;
    }

    /** Temp files of atomic writes a crash cut ({@link AtomicFiles#TEMP_PREFIX}): never a record. */
    private static void deleteTempFiles(Path objectDir) throws IOException {
        if (!Files.isDirectory(objectDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.list(objectDir)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static void deleteIfEmpty(Path dir) throws IOException {
        try {
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NotDirectoryException e) {
            // its owner keeps more there
        }
    }

    /** The directory holding one object's record (and whatever else its owner keeps there). */
    public Path dirOf(String id) {
        return dir.resolve(id);
    }

    /** Saves a record durably: it survives a power loss once this returns. */
    public void save(T record) throws IOException {
        save(record, true);
    }

    /**
     * Saves a record atomically but without flushing it ({@link AtomicFiles#replace}): a restart
     * after a kill -9 reads it, a power loss may lose it (the older record, or none, comes back).
     * For transitional states whose loss the owner's recovery handles: an object being created
     * (unrecorded leftovers are swept as orphans) or being torn down (the teardown is idempotent
     * and runs again from the older state).
     */
    public void saveInterim(T record) throws IOException {
        save(record, false);
    }

    private void save(T record, boolean durable) throws IOException {
        Path objectDir = dirOf(idOf.apply(record));
        PrivateFiles.createDirectories(objectDir);
        byte[] json = Json.writer().writeValueAsBytes(record);
        if (durable) {
            AtomicFiles.write(objectDir.resolve(fileName), json);
        } else {
            AtomicFiles.replace(objectDir.resolve(fileName), json);
        }
        byId.put(idOf.apply(record), record);
    }

    /** Forgets the record and deletes its file, and its directory if nothing else is left in it. */
    public void delete(String id) throws IOException {
        Files.deleteIfExists(dirOf(id).resolve(fileName));
        byId.remove(id);
        deleteIfEmpty(dirOf(id));
    }

    public Optional<T> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<T> all() {
        return byId.values();
    }

    /**
     * By full ID or unique prefix (crictl accepts prefixes), or empty when none matches; an empty
     * or ambiguous ID is the caller's error (INVALID_ARGUMENT). {@code what} names the object kind
     * in messages ("container", "pod sandbox").
     */
    public Optional<T> findIfExists(String idOrPrefix, String what) throws JcriException {
        if (idOrPrefix.isEmpty()) {
            throw JcriException.invalid(what + " ID is empty");
        }
        T exact = byId.get(idOrPrefix);
        if (exact != null) {
            return Optional.of(exact);
        }
        List<T> matches = byId.entrySet().stream().filter(e -> e.getKey().startsWith(idOrPrefix))
                .map(Map.Entry::getValue).toList();
        if (matches.size() > 1) {
            throw JcriException.invalid(what + " ID prefix " + idOrPrefix + " matches more than one " + what);
        }
        return matches.stream().findFirst();
    }

    /** As {@link #findIfExists}, with NOT_FOUND when none matches. */
    public T find(String idOrPrefix, String what) throws JcriException {
        return findIfExists(idOrPrefix, what).orElseThrow(() -> JcriException.notFound(what, idOrPrefix));
    }
}
