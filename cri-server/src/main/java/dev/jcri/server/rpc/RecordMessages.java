package dev.jcri.server.rpc;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The CRI message of each stored record, built once per version of the record. Records are
 * immutable and every change stores a new one, so the message of the record object the store
 * holds is still right; kubelet asks for the same unchanged records every second (List, Status),
 * and building a message (its config's labels and annotations copied into maps, nested builders)
 * costs more than writing it. Protobuf messages are immutable and memoize their encoded size, so a
 * cached one is also cheaper to encode.
 *
 * <p>Keyed by the record's ID, compared by identity: a new version replaces the entry. Entries of
 * records that are gone are dropped by {@link #forget} (the Remove call) and {@link #retain} (each
 * List passes every record: pods removed with their containers, records gone in a recovery).
 */
final class RecordMessages<R, M> {

    private record Entry<R, M>(R record, M message) {}

    private final Map<String, Entry<R, M>> byId = new ConcurrentHashMap<>();
    private final Function<R, String> idOf;
    private final Function<R, M> build;

    RecordMessages(Function<R, String> idOf, Function<R, M> build) {
        this.idOf = idOf;
        this.build = build;
    }

    /** The message of this version of the record. */
    @SuppressWarnings("ReferenceEquality") // identity is the point: an equal record is another version
    M of(R record) {
        String id = idOf.apply(record);
        Entry<R, M> entry = byId.get(id);
        if (entry == null || entry.record() != record) {
            entry = new Entry<>(record, build.apply(record));
            byId.put(id, entry); // a racing call builds the same message: either one is right
        }
        return entry.message();
    }

    /** Forgets the messages of records not among {@code all} (every record the store holds). */
    void retain(Collection<R> all) {
        if (byId.size() > all.size()) {
            Set<String> ids = all.stream().map(idOf).collect(Collectors.toSet());
            byId.keySet().retainAll(ids);
        }
    }

    /** Forgets a removed record's message. */
    void forget(String id) {
        byId.remove(id);
    }

    /** Entries held (for tests). */
    int size() {
        return byId.size();
    }
}
