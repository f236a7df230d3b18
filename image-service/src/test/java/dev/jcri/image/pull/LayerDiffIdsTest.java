package dev.jcri.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jcri.image.manifest.ChainIds;
import dev.jcri.image.manifest.Descriptor;
import dev.jcri.image.ref.Digest;
import dev.jcri.snapshot.LayerStore;
import java.io.InputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LayerDiffIdsTest {

    /** Only what the index asks: which chains are committed. */
    private static final class Committed implements LayerStore {
        final Set<String> chains = new HashSet<>();

        @Override
        public boolean hasLayer(String chainId) {
            return chains.contains(chainId);
        }

        @Override
        public void applyLayer(String chainId, String parentChainId, InputStream uncompressedTar) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Usage> layerUsage(String chainId) {
            return Optional.empty();
        }

        @Override
        public boolean removeLayer(String chainId) {
            return chains.remove(chainId);
        }
    }

    private static Descriptor blob(String name) {
        return new Descriptor("application/vnd.oci.image.layer.v1.tar+gzip", Digest.sha256("blob " + name), 1, null, null);
    }

    private static Digest diff(String name) {
        return Digest.sha256("diff " + name);
    }

    @Test
    void aManifestNeverSeenIsAllMissing() {
        assertEquals(List.of(0, 1), new LayerDiffIds().probablyMissing(List.of(blob("a"), blob("b")), new Committed()));
    }

    @Test
    void knownLayersWhoseChainIsCommittedAreNotMissingAndEverythingAboveAnUnknownOneIs() {
        LayerDiffIds index = new LayerDiffIds();
        Committed store = new Committed();
        index.learn(List.of(blob("a"), blob("b")), List.of(diff("a"), diff("b")));
        ChainIds.of(List.of(diff("a"), diff("b"))).forEach(c -> store.chains.add(c.toString()));

        assertEquals(List.of(), index.probablyMissing(List.of(blob("a"), blob("b")), store));
        assertEquals(List.of(1, 2), index.probablyMissing(List.of(blob("a"), blob("new"), blob("b")), store),
                "b above an unknown layer has another chain: missing");
        assertEquals(List.of(0, 1), index.probablyMissing(List.of(blob("b"), blob("a")), store),
                "known layers in another order are other chains: missing");
    }

    @Test
    void aKnownLayerWhoseChainWasReleasedIsMissing() {
        LayerDiffIds index = new LayerDiffIds();
        Committed store = new Committed();
        index.learn(List.of(blob("a")), List.of(diff("a")));
        assertEquals(List.of(0), index.probablyMissing(List.of(blob("a")), store));
    }

    @Test
    void aConfigThatDisagreesWithItsManifestTeachesNothing() {
        LayerDiffIds index = new LayerDiffIds();
        Committed store = new Committed();
        store.chains.add(diff("a").toString());
        index.learn(List.of(blob("a"), blob("b")), List.of(diff("a")));
        assertEquals(List.of(0), index.probablyMissing(List.of(blob("a")), store));
    }
}
