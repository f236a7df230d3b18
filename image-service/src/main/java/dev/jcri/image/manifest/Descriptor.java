package dev.jcri.image.manifest;

import dev.jcri.image.ref.Digest;
import java.util.Map;

/**
 * An OCI content descriptor: what a manifest or index says about one blob.
 *
 * @param platform only in index entries; null elsewhere
 */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform, Map<String, String> annotations) {

    public Descriptor {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }
}
