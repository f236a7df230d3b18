package dev.jcri.image.manifest;

import java.util.List;

/** An OCI image manifest or a Docker schema 2 manifest: one config and the layers, base first. */
public record ImageManifest(String mediaType, Descriptor config, List<Descriptor> layers) implements ManifestDocument {
    public ImageManifest {
        layers = List.copyOf(layers);
    }
}
