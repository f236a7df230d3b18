package dev.jcri.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.image.ref.Digest;
import dev.jcri.json.Json;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The image records and the layers waiting to be released, in one JSON file replaced atomically
 * on every change: a tag moving from one image to another, or an image and its layers going
 * away, is one step that a crash cannot split. Thread-safe; reads come from memory.
 *
 * <p>Reads take no lock: they see an immutable snapshot of the records, replaced after each
 * change. ImageStatus runs on the socket's event loop, which must never wait for a pull's
 * write of this file (it holds the lock across the write and its fsync).
 */
public final class ImageStore {

    private static final int FORMAT = 1;

    private final Path file;
    private final Map<Digest, ImageRecord> images = new LinkedHashMap<>();
    /** Layers no image needs any more whose removal the snapshotter refused (still in use) or that failed. */
    private final Set<Digest> releasable = new LinkedHashSet<>();
    /** What {@link #list()} and {@link #get} answer: {@code images} as of its last change. */
    private volatile Snapshot snapshot = new Snapshot(Map.of(), List.of());

    private record Snapshot(Map<Digest, ImageRecord> byId, List<ImageRecord> inOrder) {}

    private ImageStore(Path file) {
        this.file = file;
    }

    public static ImageStore open(Path file) throws IOException {
        ImageStore store = new ImageStore(file);
        PrivateFiles.ensureDirectory(file.toAbsolutePath().getParent());
        try (var leftovers = Files.newDirectoryStream(file.toAbsolutePath().getParent(), AtomicFiles::isTempFile)) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
        if (Files.exists(file)) {
            JsonNode root = Json.reader().readTree(Files.readAllBytes(file));
            for (JsonNode n : root.path("images")) {
                ImageRecord r = fromJson(n);
                store.images.put(r.id(), r);
            }
            for (JsonNode n : root.path("releasableLayers")) {
                store.releasable.add(Digest.of(n.asText()));
            }
        }
        store.publish();
        return store;
    }

    /** The records, in the order they were first stored; lock-free. */
    public List<ImageRecord> list() {
        return snapshot.inOrder();
    }

    /** Lock-free. */
    public Optional<ImageRecord> get(Digest id) {
        return Optional.ofNullable(snapshot.byId().get(id));
    }

    /** Called with the lock held after every change of {@code images}. */
    private void publish() {
        snapshot = new Snapshot(Map.copyOf(images), List.copyOf(images.values()));
    }

    public synchronized Set<Digest> releasableLayers() {
        return Set.copyOf(releasable);
    }

    /**
     * Adds or updates an image, merging tags and digests with an existing record of the same ID;
     * its tags are taken from any other image that had them.
     */
    public synchronized ImageRecord put(ImageRecord record) throws IOException {
        Map<Digest, ImageRecord> next = new LinkedHashMap<>(images);
        for (var e : images.entrySet()) {
            if (e.getKey().equals(record.id())) {
                continue;
            }
            List<String> tags = new ArrayList<>(e.getValue().repoTags());
            if (tags.removeAll(record.repoTags())) {
                next.put(e.getKey(), e.getValue().withRepoTags(tags));
            }
        }
        ImageRecord old = images.get(record.id());
        ImageRecord merged = record;
        if (old != null) {
            merged = record.withRepoTags(union(old.repoTags(), record.repoTags()))
                    .withRepoDigests(union(old.repoDigests(), record.repoDigests()))
                    .withBlobs(union(old.blobs(), record.blobs()));
        }
        next.put(record.id(), merged);
        Set<Digest> nextReleasable = new LinkedHashSet<>(releasable);
        nextReleasable.removeAll(record.chainIds());
        save(next, nextReleasable);
        images.clear();
        images.putAll(next);
        publish();
        releasable.clear();
        releasable.addAll(nextReleasable);
        return merged;
    }

    /** Replaces one record (e.g. a tag removed). */
    public synchronized void replace(ImageRecord record) throws IOException {
        Map<Digest, ImageRecord> next = new LinkedHashMap<>(images);
        next.put(record.id(), record);
        save(next, releasable);
        images.put(record.id(), record);
        publish();
    }

    /** Removes an image and marks layers as releasable, in one write. */
    public synchronized void remove(Digest id, Collection<Digest> layersToRelease) throws IOException {
        Map<Digest, ImageRecord> next = new LinkedHashMap<>(images);
        next.remove(id);
        Set<Digest> nextReleasable = new LinkedHashSet<>(releasable);
        nextReleasable.addAll(layersToRelease);
        save(next, nextReleasable);
        images.remove(id);
        publish();
        releasable.clear();
        releasable.addAll(nextReleasable);
    }

    /** Forgets layers that are gone (released by the snapshotter). */
    public synchronized void released(Collection<Digest> gone) throws IOException {
        Set<Digest> nextReleasable = new LinkedHashSet<>(releasable);
        if (!nextReleasable.removeAll(gone)) {
            return;
        }
        save(images, nextReleasable);
        releasable.clear();
        releasable.addAll(nextReleasable);
    }

    private static <T> List<T> union(List<T> a, List<T> b) {
        LinkedHashSet<T> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return List.copyOf(s);
    }

    private void save(Map<Digest, ImageRecord> records, Set<Digest> releasableLayers) throws IOException {
        ObjectNode root = Json.objectNode();
        root.put("format", FORMAT);
        ArrayNode arr = root.putArray("images");
        for (ImageRecord r : records.values()) {
            arr.add(toJson(r));
        }
        ArrayNode rel = root.putArray("releasableLayers");
        releasableLayers.forEach(d -> rel.add(d.toString()));
        AtomicFiles.write(file, out -> Json.prettyWriter().writeValue(out, root));
    }

    private static ObjectNode toJson(ImageRecord r) {
        ObjectNode n = Json.objectNode();
        n.put("id", r.id().toString());
        r.repoTags().forEach(n.putArray("repoTags")::add);
        r.repoDigests().forEach(n.putArray("repoDigests")::add);
        n.put("size", r.size());
        n.put("manifestDigest", r.manifestDigest().toString());
        ArrayNode blobsArray = n.putArray("blobs");
        r.blobs().forEach(d -> blobsArray.add(d.toString()));
        ArrayNode diffIdsArray = n.putArray("diffIds");
        r.diffIds().forEach(d -> diffIdsArray.add(d.toString()));
        ArrayNode chainIdsArray = n.putArray("chainIds");
        r.chainIds().forEach(d -> chainIdsArray.add(d.toString()));
        n.put("pinned", r.pinned());
        n.put("created", r.created().toString());
        return n;
    }

    private static ImageRecord fromJson(JsonNode n) {
        return new ImageRecord(Digest.of(n.path("id").asText()), strings(n.path("repoTags")), strings(n.path("repoDigests")),
                n.path("size").asLong(), Digest.of(n.path("manifestDigest").asText()), digests(n.path("blobs")),
                digests(n.path("diffIds")), digests(n.path("chainIds")), n.path("pinned").asBoolean(),
                Instant.parse(n.path("created").asText()));
    }

    private static List<String> strings(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }

    private static List<Digest> digests(JsonNode arr) {
        List<Digest> out = new ArrayList<>();
        arr.forEach(x -> out.add(Digest.of(x.asText())));
        return out;
    }
}
