package dev.jcri.image.manifest;

import java.util.List;

/** An OCI image index or a Docker manifest list. */
public record ImageIndex(String mediaType, List<Descriptor> manifests) implements ManifestDocument {
    public ImageIndex {
        manifests = List.copyOf(manifests);
    }
}
