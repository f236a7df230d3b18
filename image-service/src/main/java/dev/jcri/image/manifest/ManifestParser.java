package dev.jcri.image.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.image.error.UnsupportedImageException;
import dev.jcri.image.ref.Digest;
import dev.jcri.json.BoundedJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses manifest bytes into an {@link ImageIndex} or {@link ImageManifest}. The media type comes
 * from the document's {@code mediaType} field, else from the response's Content-Type, else from its
 * shape (an OCI manifest may omit the field).
 */
public final class ManifestParser {

    /** Tokens of a manifest or index: a hundred layers or platforms with annotations are a few thousand. */
    public static final long MAX_TOKENS = 100_000;

    private ManifestParser() {}

    /** @param what names the manifest in messages (the reference) */
    public static ManifestDocument parse(byte[] bytes, String contentType, String what) throws UnsupportedImageException {
        JsonNode root;
        try {
            root = BoundedJson.readTree(bytes, MAX_TOKENS);
        } catch (IOException e) {
            throw new UnsupportedImageException("manifest of " + what + " cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UnsupportedImageException("manifest of " + what + " is not a JSON object");
        }
        String mediaType = text(root, "mediaType");
        if (mediaType == null && contentType != null) {
            mediaType = contentType.split(";")[0].strip();
        }
        if (root.path("schemaVersion").asInt() == 1 || MediaTypes.isSchema1(mediaType)) {
            throw new UnsupportedImageException("manifest of " + what + " is Docker schema 1, which jcri does not support"
                    + " (deprecated since 2017; push the image again with a current tool)");
        }
        if (!MediaTypes.isIndex(mediaType) && !MediaTypes.isManifest(mediaType)) {
            if (root.has("manifests")) {
                mediaType = MediaTypes.OCI_INDEX;
            } else if (root.has("config") && root.has("layers")) {
                mediaType = MediaTypes.OCI_MANIFEST;
            } else {
                throw new UnsupportedImageException("manifest of " + what + " has unsupported media type " + mediaType);
            }
        }
        if (MediaTypes.isIndex(mediaType)) {
            List<Descriptor> manifests = new ArrayList<>();
            for (JsonNode m : root.path("manifests")) {
                manifests.add(descriptor(m, what));
            }
            return new ImageIndex(mediaType, manifests);
        }
        if (!root.path("config").isObject() || !root.path("layers").isArray()) {
            throw new UnsupportedImageException("manifest of " + what + " lacks config or layers");
        }
        Descriptor config = descriptor(root.get("config"), what);
        List<Descriptor> layers = new ArrayList<>();
        for (JsonNode l : root.path("layers")) {
            Descriptor layer = descriptor(l, what);
            if (MediaTypes.layerCompression(layer.mediaType()) == null) {
                throw new UnsupportedImageException("manifest of " + what + " has a layer of unsupported media type "
                        + layer.mediaType() + " (" + layer.digest() + ")");
            }
            layers.add(layer);
        }
        return new ImageManifest(mediaType, config, layers);
    }

    private static Descriptor descriptor(JsonNode node, String what) throws UnsupportedImageException {
        String digestText = text(node, "digest");
        Digest digest;
        try {
            digest = Digest.parse(digestText);
        } catch (Exception e) {
            throw new UnsupportedImageException("manifest of " + what + " has a descriptor with invalid digest " + digestText);
        }
        long size = node.path("size").asLong(-1);
        if (size < 0) {
            throw new UnsupportedImageException("manifest of " + what + " has a descriptor without size (" + digest + ")");
        }
        Platform platform = null;
        JsonNode p = node.get("platform");
        if (p != null && p.isObject()) {
            platform = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        for (var e : node.path("annotations").properties()) {
            annotations.put(e.getKey(), e.getValue().asText());
        }
        return new Descriptor(text(node, "mediaType"), digest, size, platform, annotations);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
