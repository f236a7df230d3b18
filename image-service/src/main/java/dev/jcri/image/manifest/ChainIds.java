package dev.jcri.image.manifest;

import dev.jcri.image.ref.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * Chain IDs per the OCI image spec: chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) +
 * " " + diffID(Ln)). A chain ID names a layer together with everything beneath it.
 */
public final class ChainIds {
    private ChainIds() {}

    public static List<Digest> of(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        Digest previous = null;
        for (Digest diffId : diffIds) {
            Digest next = previous == null ? diffId : Digest.sha256(previous + " " + diffId);
            chain.add(next);
            previous = next;
        }
        return List.copyOf(chain);
    }
}
