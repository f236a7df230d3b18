package dev.jcri.image.manifest;

/** What a manifest request returns: an index of per-platform manifests, or one image manifest. */
public sealed interface ManifestDocument permits ImageIndex, ImageManifest {
    String mediaType();
}
