package dev.jcri.image;

import dev.jcri.image.manifest.ImageConfig;
import dev.jcri.image.ref.Digest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parsed image configs by image ID, within a budget of {@link #BUDGET_BYTES} of config JSON.
 *
 * <p>Why a budget: a parsed config (its JSON tree and lists) costs several times its bytes, and a
 * config may be up to 4 MiB. Kept for every image forever, a few dozen hostile images (or a node
 * with very many) would fill the daemon's heap. The least recently used go first; a config not
 * cached is read and parsed again from the content store, which is cheap for the few KiB real
 * configs have.
 */
final class ConfigCache {

    /** Config JSON kept parsed: hundreds of ordinary images, a couple of the largest allowed. */
    static final long BUDGET_BYTES = 4L << 20;

    private record Entry(ImageConfig config, long bytes) {}

    private final Map<Digest, Entry> entries = new LinkedHashMap<>(16, 0.75f, true); // access order: LRU first
    private final long budget;
    private long bytes;

    ConfigCache() {
        this(BUDGET_BYTES);
    }

    ConfigCache(long budget) {
        this.budget = budget;
    }

    synchronized ImageConfig get(Digest id) {
        Entry e = entries.get(id);
        return e == null ? null : e.config();
    }

    /** Keeps {@code config} (parsed from {@code size} bytes), dropping the least recently used over the budget. */
    synchronized void put(Digest id, ImageConfig config, long size) {
        remove(id);
        if (size > budget) {
            return; // never worth evicting everything else for
        }
        entries.put(id, new Entry(config, size));
        bytes += size;
        Iterator<Entry> oldest = entries.values().iterator();
        while (bytes > budget && oldest.hasNext()) {
            bytes -= oldest.next().bytes();
            oldest.remove();
        }
    }

    synchronized void remove(Digest id) {
        Entry e = entries.remove(id);
        if (e != null) {
            bytes -= e.bytes();
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }
}
