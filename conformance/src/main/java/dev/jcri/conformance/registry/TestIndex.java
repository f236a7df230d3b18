package dev.jcri.conformance.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.conformance.Json;
import java.util.List;

/**
 * A multi-platform image: an OCI image index (or a Docker manifest list) over single-platform
 * {@link TestImage}s, each entry carrying its image's os/architecture/variant. Push it with
 * {@link TestRegistry#push(String, TestIndex)}.
 */
public final class TestIndex {

    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    private final List<TestImage> images;
    private final byte[] bytes;
    private final String mediaType;

    private TestIndex(List<TestImage> images, byte[] bytes, String mediaType) {
        this.images = images;
        this.bytes = bytes;
        this.mediaType = mediaType;
    }

    /** An OCI index (or a Docker manifest list when every image is a Docker image). */
    public static TestIndex of(TestImage... images) {
        boolean docker = List.of(images).stream().allMatch(i -> i.format() == TestImage.Format.DOCKER);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("schemaVersion", 2);
        String mediaType = docker ? DOCKER_LIST : OCI_INDEX;
        root.put("mediaType", mediaType);
        ArrayNode manifests = root.putArray("manifests");
        for (TestImage i : images) {
            ObjectNode d = manifests.addObject();
            d.put("mediaType", i.manifestMediaType());
            d.put("digest", i.manifestDigest());
            d.put("size", i.manifestBytes().length);
            ObjectNode p = d.putObject("platform");
            p.put("architecture", i.architecture());
            p.put("os", i.os());
            if (i.variant() != null) {
                p.put("variant", i.variant());
            }
        }
        return new TestIndex(List.of(images), TestImage.json(root), mediaType);
    }

    public List<TestImage> images() {
        return images;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public String digest() {
        return TestLayer.sha256(bytes);
    }

    public String mediaType() {
        return mediaType;
    }
}
