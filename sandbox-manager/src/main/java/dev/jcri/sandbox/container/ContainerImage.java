package dev.jcri.sandbox.container;

import dev.jcri.sandbox.spec.ImageConfig;

/**
 * The image a container is created from, as the image service resolved it.
 *
 * @param requested  the image as kubelet named it in the request (ContainerStatus.image)
 * @param id         the image ID (config digest)
 * @param repoDigest a repo@sha256:... reference (ContainerStatus.image_ref), or the ID if none
 * @param topChainId the chain ID of the image's top layer: the parent of the container's writable snapshot
 * @param config     the image config fields the spec is built from
 */
public record ContainerImage(String requested, String id, String repoDigest, String topChainId, ImageConfig config) {}
