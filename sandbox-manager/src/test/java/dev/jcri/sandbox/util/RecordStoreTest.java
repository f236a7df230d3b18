package dev.jcri.sandbox.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.linux.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a crash in the middle of an atomic record write leaves is cleared at the next load. */
class RecordStoreTest {

    record Thing(String id, String value) {}

    @Test
    void tempFilesOfCutWritesAreRemovedAtLoadAndRecordsKept(@TempDir Path dir) throws Exception {
        RecordStore<Thing> store = new RecordStore<>(dir, "thing.json", Thing.class, Thing::id);
        store.load();
        store.save(new Thing("a", "1"));
        // a save of "a" cut after its temp file was written, and a first save of "b" cut the same way
        Files.writeString(dir.resolve("a").resolve(AtomicFiles.TEMP_PREFIX + "thing.json.1"), "{\"id\":\"a\",\"value\":\"2\"}");
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("b").resolve(AtomicFiles.TEMP_PREFIX + "thing.json.1"), "{\"id\":\"b\"");
        // something an owner keeps beside a record that was never written stays
        Files.createDirectories(dir.resolve("c"));
        Files.writeString(dir.resolve("c").resolve("owner-data"), "x");

        RecordStore<Thing> reloaded = new RecordStore<>(dir, "thing.json", Thing.class, Thing::id);
        List<Thing> loaded = reloaded.load();

        assertEquals(List.of(new Thing("a", "1")), loaded);
        try (var left = Files.list(dir.resolve("a"))) {
            assertEquals(List.of(dir.resolve("a").resolve("thing.json")), left.toList());
        }
        assertFalse(Files.exists(dir.resolve("b")), "the directory of a record never written is gone");
        assertTrue(Files.exists(dir.resolve("c").resolve("owner-data")));
    }
}
