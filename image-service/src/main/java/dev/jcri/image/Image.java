package dev.jcri.image;

import dev.jcri.image.manifest.ImageConfig;
import java.util.List;

/**
 * A stored image as callers see it.
 *
 * @param id "sha256:..." digest of the image config
 * @param repoTags "docker.io/library/busybox:latest", ...
 * @param repoDigests "docker.io/library/busybox@sha256:..." (digest of the index or manifest the tag pointed to)
 * @param size bytes of config and compressed layers
 * @param config the parsed config (USER, Env, Entrypoint, Cmd, WorkingDir, Volumes, StopSignal, ...)
 * @param chainIds the snapshotter layers, base first: the parent of a container's writable snapshot is the last
 * @param manifestDigest the platform manifest's digest
 */
public record Image(String id, List<String> repoTags, List<String> repoDigests, long size, ImageConfig config,
        List<String> chainIds, String manifestDigest, boolean pinned) {

    public Image {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        chainIds = List.copyOf(chainIds);
    }

    /** The chain ID of the top layer (what a container's rootfs is built on), or null for an image without layers. */
    public String topLayer() {
        return chainIds.isEmpty() ? null : chainIds.getLast();
    }
}
