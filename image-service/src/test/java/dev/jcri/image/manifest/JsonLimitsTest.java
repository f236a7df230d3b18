package dev.jcri.image.manifest;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.image.error.UnsupportedImageException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Documents under their byte limit can still cost far more heap as a tree (a token of 2 bytes
 * becomes a node of tens): the number of JSON tokens is bounded too, with the limit in the message.
 */
class JsonLimitsTest {

    private static byte[] manyAnnotations(int n) {
        StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
                + "a".repeat(64) + "\",\"size\":1,\"annotations\":{");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":\"\"");
        }
        return sb.append("}},\"layers\":[]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aManifestOfCountlessTokensIsRefused() {
        byte[] m = manyAnnotations(300_000);
        assertTrue(m.length < 4 << 20, "under the byte limit: " + m.length);
        UnsupportedImageException e = assertThrows(UnsupportedImageException.class,
                () -> ManifestParser.parse(m, null, "test/many"));
        assertTrue(e.getMessage().contains(Long.toString(ManifestParser.MAX_TOKENS)), e.getMessage());
    }

    @Test
    void aConfigOfCountlessTokensIsRefused() {
        StringBuilder sb = new StringBuilder("{\"os\":\"linux\",\"config\":{\"Env\":[");
        for (int i = 0; i < 1_000_000; i++) {
            sb.append(i == 0 ? "" : ",").append("\"\"");
        }
        byte[] c = sb.append("]},\"rootfs\":{\"diff_ids\":[]}}").toString().getBytes(StandardCharsets.UTF_8);
        assertTrue(c.length < 4 << 20, "under the byte limit: " + c.length);
        UnsupportedImageException e = assertThrows(UnsupportedImageException.class, () -> ImageConfig.parse(c, "test/many"));
        assertTrue(e.getMessage().contains(Long.toString(ImageConfig.MAX_TOKENS)), e.getMessage());
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        byte[] c = ("{\"os\":\"linux\",\"config\":{\"Labels\":{\"a\":" + deep + "}}}").getBytes(StandardCharsets.UTF_8);
        assertThrows(UnsupportedImageException.class, () -> ImageConfig.parse(c, "test/deep"));
    }
}
