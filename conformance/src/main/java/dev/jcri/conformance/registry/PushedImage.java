package dev.jcri.conformance.registry;

/**
 * An image (or index) in a {@link TestRegistry}.
 *
 * @param reference what to pull: {@code 127.0.0.1:PORT/repo:tag}
 * @param digestReference the same pinned by digest: {@code 127.0.0.1:PORT/repo@sha256:...}
 * @param digest digest of the pushed manifest or index (what a runtime reports in repo_digests)
 * @param imageId sha256 of the config a linux/amd64 node gets (the image ID)
 */
public record PushedImage(String reference, String digestReference, String digest, String imageId) {

    /** {@code 127.0.0.1:PORT/repo} without tag or digest. */
    public String repository() {
        int at = digestReference.indexOf('@');
        return digestReference.substring(0, at);
    }
}
