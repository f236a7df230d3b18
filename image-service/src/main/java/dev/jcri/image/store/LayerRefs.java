package dev.jcri.image.store;

import dev.jcri.image.ref.Digest;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * In-memory reference counts on layers (chain IDs) that must not be released: layers a pull is
 * building on. Releasing a layer happens while holding this object's
 * monitor, so a pin either comes first (and the layer stays) or after (and sees it gone).
 */
public final class LayerRefs {

    private final Map<Digest, Integer> counts = new HashMap<>();

    public synchronized void pin(Collection<Digest> layers) {
        layers.forEach(d -> counts.merge(d, 1, Integer::sum));
    }

    public synchronized void unpin(Collection<Digest> layers) {
        layers.forEach(d -> counts.computeIfPresent(d, (k, v) -> v == 1 ? null : v - 1));
    }

    public synchronized boolean isPinned(Digest layer) {
        return counts.containsKey(layer);
    }
}
