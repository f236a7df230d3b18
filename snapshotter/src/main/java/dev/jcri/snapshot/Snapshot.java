package dev.jcri.snapshot;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot as callers see it.
 *
 * @param key     chain ID for committed layers, a caller-chosen key (container ID) for the others
 * @param parent  the committed snapshot it is built on, or null
 * @param labels  free-form caller data (e.g. which image or container it belongs to)
 */
public record Snapshot(String key, SnapshotKind kind, String parent, Map<String, String> labels, Instant created) {
    public Snapshot {
        labels = Map.copyOf(labels);
    }
}
