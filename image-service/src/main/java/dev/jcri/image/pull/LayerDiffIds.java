package dev.jcri.image.pull;

import dev.jcri.image.manifest.Descriptor;
import dev.jcri.image.manifest.ChainIds;
import dev.jcri.image.ref.Digest;
import dev.jcri.snapshot.LayerStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the node knows of layer blobs before an image's config says it: the uncompressed digest
 * (diff ID) of each compressed layer blob pulled since the start. With it a pull can tell, from the
 * manifest alone, which layers it will need and start downloading them while the config is still
 * on its way; a layer it cannot place (a blob never seen, or above one) is presumed missing, and if
 * the config then shows it present, its download is dropped.
 *
 * <p>The pairs are facts about content (a blob's digest fixes its uncompressed bytes), so they never
 * go stale; they are only hints: the config decides what is applied. Bounded: past
 * {@link #MAX_ENTRIES} the map is cleared, which costs at most a wasted early download.
 */
final class LayerDiffIds {

    static final int MAX_ENTRIES = 100_000;

    private final Map<Digest, Digest> diffIds = new ConcurrentHashMap<>();

    /** Records the diff IDs of a manifest's layers, as its verified config lists them (same order, same count). */
    void learn(List<Descriptor> layers, List<Digest> layerDiffIds) {
        if (layers.size() != layerDiffIds.size()) {
            return;
        }
        if (diffIds.size() + layers.size() > MAX_ENTRIES) {
            diffIds.clear();
        }
        for (int i = 0; i < layers.size(); i++) {
            diffIds.put(layers.get(i).digest(), layerDiffIds.get(i));
        }
    }

    /**
     * The positions of the manifest's layers that are probably missing from {@code store}: every
     * layer from the first whose diff ID is unknown on, and each known one whose chain is not there.
     */
    List<Integer> probablyMissing(List<Descriptor> layers, LayerStore store) {
        List<Integer> missing = new ArrayList<>();
        List<Digest> known = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Digest diffId = known.size() == i ? diffIds.get(layers.get(i).digest()) : null;
            if (diffId == null) {
                missing.add(i);
                continue;
            }
            known.add(diffId);
            if (!store.hasLayer(ChainIds.of(known).getLast().toString())) {
                missing.add(i);
            }
        }
        return missing;
    }
}
