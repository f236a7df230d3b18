package dev.jcri.image.store;

import dev.jcri.image.ref.Digest;
import java.time.Instant;
import java.util.List;

/**
 * One stored image. Its ID is the digest of its config, as in Docker and containerd.
 *
 * @param repoTags "docker.io/library/busybox:latest", ...
 * @param repoDigests "docker.io/library/busybox@sha256:..." (the digest of what the tag pointed to: index or manifest)
 * @param size compressed size of config and layers (what the registry stores), as containerd reports
 * @param manifestDigest the platform manifest
 * @param blobs every content-store blob this image holds (index, manifest, config)
 * @param diffIds the uncompressed layer digests, base first
 * @param chainIds the snapshotter layers, base first
 */
public record ImageRecord(Digest id, List<String> repoTags, List<String> repoDigests, long size, Digest manifestDigest,
        List<Digest> blobs, List<Digest> diffIds, List<Digest> chainIds, boolean pinned, Instant created) {

    public ImageRecord {
        repoTags = List.copyOf(repoTags);
        repoDigests = List.copyOf(repoDigests);
        blobs = List.copyOf(blobs);
        diffIds = List.copyOf(diffIds);
        chainIds = List.copyOf(chainIds);
    }

    public ImageRecord withRepoTags(List<String> tags) {
        return new ImageRecord(id, tags, repoDigests, size, manifestDigest, blobs, diffIds, chainIds, pinned, created);
    }

    public ImageRecord withRepoDigests(List<String> digests) {
        return new ImageRecord(id, repoTags, digests, size, manifestDigest, blobs, diffIds, chainIds, pinned, created);
    }

    public ImageRecord withBlobs(List<Digest> newBlobs) {
        return new ImageRecord(id, repoTags, repoDigests, size, manifestDigest, newBlobs, diffIds, chainIds, pinned, created);
    }
}
