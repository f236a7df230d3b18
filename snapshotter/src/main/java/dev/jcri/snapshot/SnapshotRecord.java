package dev.jcri.snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A snapshot's metadata as persisted in {@code snapshots/<id>/info.json}.
 *
 * <p>The numeric {@code id} names the directory: short on purpose, so that overlay's lowerdir list
 * of a deep chain stays short (see {@link OverlayMounter}). Keys (chain IDs, container IDs) are
 * only ever data, never path components, so no key can steer a path.
 *
 * @param formatVersion for future migrations; currently 1
 * @param created       ISO-8601 instant
 * @param usage         computed once at commit for committed layers (they never change), else null
 * @param mounts        absolute targets this snapshot is mounted at, as recorded by mount/unmount
 */
record SnapshotRecord(int formatVersion, long id, String key, SnapshotKind kind, String parent,
                      Map<String, String> labels, String created, LayerStore.Usage usage, List<String> mounts) {

    static final int FORMAT_VERSION = 1;

    SnapshotRecord {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    SnapshotRecord withMounts(List<String> newMounts) {
        return new SnapshotRecord(formatVersion, id, key, kind, parent, labels, created, usage, newMounts);
    }

    SnapshotRecord withMount(String target) {
        List<String> m = new ArrayList<>(mounts);
        if (!m.contains(target)) {
            m.add(target);
        }
        return withMounts(m);
    }

    SnapshotRecord withoutMount(String target) {
        List<String> m = new ArrayList<>(mounts);
        m.remove(target);
        return withMounts(m);
    }

    Snapshot toSnapshot() {
        return new Snapshot(key, kind, parent, labels, java.time.Instant.parse(created));
    }
}
