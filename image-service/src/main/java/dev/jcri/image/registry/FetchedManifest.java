package dev.jcri.image.registry;

import dev.jcri.image.ref.Digest;

/**
 * A manifest or index as the registry served it, verified against its digest.
 *
 * @param mediaType from the Content-Type header (the document's own field may differ)
 * @param source the endpoint that served it (a mirror or the registry)
 */
public record FetchedManifest(byte[] bytes, String mediaType, Digest digest, String source) {}
