package dev.jcri.image.manifest;

import dev.jcri.image.error.NoMatchingPlatformException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks the manifest for a node's platform from an index, with containerd's matching rules: os and
 * architecture must be equal; the variant must be equal, or compatible (arm64's "" and "v8" are the
 * same; for arm and amd64 a lower variant runs on a higher one). Exact variants win over compatible
 * ones; among equals the first entry wins. Entries without a platform (and attestation manifests,
 * platform unknown/unknown) never match.
 */
public final class PlatformSelector {

    private PlatformSelector() {}

    public static Descriptor select(ImageIndex index, Platform node, String what) throws NoMatchingPlatformException {
        Descriptor best = null;
        int bestScore = -1;
        for (Descriptor d : index.manifests()) {
            int score = score(d.platform(), node);
            if (score > bestScore) {
                best = d;
                bestScore = score;
            }
        }
        if (best == null) {
            String offered = index.manifests().stream()
                    .map(d -> d.platform() == null ? "(no platform)" : d.platform().toString())
                    .collect(Collectors.joining(", "));
            throw new NoMatchingPlatformException("no manifest for platform " + node + " in the index of " + what
                    + " (it offers: " + (offered.isEmpty() ? "nothing" : offered) + ")");
        }
        return best;
    }

    /** -1: no match; higher is better. */
    static int score(Platform p, Platform node) {
        if (p == null || !p.os().equals(node.os()) || !p.architecture().equals(node.architecture())) {
            return -1;
        }
        String want = effectiveVariant(node);
        String have = effectiveVariant(p);
        if (want.equals(have)) {
            return 1000;
        }
        if (have.isEmpty()) {
            return 500; // a manifest that does not say its variant runs on any variant of its architecture
        }
        List<String> order = switch (node.architecture()) {
            case "arm" -> List.of("v5", "v6", "v7", "v8");
            case "amd64" -> List.of("v1", "v2", "v3", "v4");
            default -> List.of();
        };
        int wantIndex = order.indexOf(want.isEmpty() && node.architecture().equals("amd64") ? "v1" : want);
        int haveIndex = order.indexOf(have);
        if (wantIndex >= 0 && haveIndex >= 0 && haveIndex <= wantIndex) {
            return 100 + haveIndex; // the highest compatible variant is preferred
        }
        return -1;
    }

    private static String effectiveVariant(Platform p) {
        if (p.architecture().equals("arm64") && (p.variant().isEmpty() || p.variant().equals("v8"))) {
            return "v8";
        }
        if (p.architecture().equals("amd64") && p.variant().equals("v1")) {
            return "";
        }
        return p.variant();
    }
}
