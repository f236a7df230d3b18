package dev.jcri.sandbox.pod;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jcri.linux.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod records in memory (List/Status calls, which kubelet makes every second, never touch the
 * disk) and on disk (each change written atomically, so a crash leaves the old or the new record).
 */
public final class PodStore {

    private static final Logger LOG = LoggerFactory.getLogger(PodStore.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Path root;
    private final Path state;
    private final Map<String, PodRecord> byId = new ConcurrentHashMap<>();

    public PodStore(Path root, Path state) {
        this.root = root;
        this.state = state;
    }

    /** Loads every record from disk; unreadable ones are logged and skipped (their dirs are kept for inspection). */
    public List<PodRecord> load() throws IOException {
        Path dir = PodPaths.recordsDir(root);
        Files.createDirectories(dir);
        List<PodRecord> loaded = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path podDir : entries.toList()) {
                Path file = podDir.resolve("pod.json");
                if (!Files.isRegularFile(file)) {
                    continue;
                }
                try {
                    PodRecord record = JSON.readValue(file.toFile(), PodRecord.class);
                    byId.put(record.id(), record);
                    loaded.add(record);
                } catch (IOException e) {
                    LOG.error("cannot read pod record {}: {}", file, e.getMessage());
                }
            }
        }
        return loaded;
    }

    public PodPaths paths(String id) {
        return new PodPaths(root, state, id);
    }

    public void save(PodRecord record) throws IOException {
        PodPaths paths = paths(record.id());
        Files.createDirectories(paths.rootDir());
        AtomicFiles.write(paths.record(), JSON.writeValueAsBytes(record));
        byId.put(record.id(), record);
    }

    public void delete(String id) throws IOException {
        PodPaths paths = paths(id);
        Files.deleteIfExists(paths.record());
        byId.remove(id);
    }

    public Optional<PodRecord> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<PodRecord> all() {
        return byId.values();
    }
}
