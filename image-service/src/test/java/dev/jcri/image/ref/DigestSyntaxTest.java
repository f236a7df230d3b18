package dev.jcri.image.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jcri.image.error.InvalidReferenceException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Digest#isDigest} (asked of every name an ImageStatus carries) agrees with {@link Digest#parse}. */
class DigestSyntaxTest {

    @Test
    void isDigestAgreesWithParse() {
        String hex64 = "a".repeat(64);
        List<String> digests = List.of("sha256:" + hex64, "sha512:" + "0".repeat(128));
        List<String> others = Arrays.asList(null, "", ":", "busybox", "127.0.0.1:5000/bench/busybox:1", "sha256:" + "A".repeat(64),
                "sha256:" + hex64.substring(1), "sha512:" + hex64, "md5:" + hex64, ":" + hex64, "sha256:" + hex64 + ":x");
        for (String d : digests) {
            assertEquals(true, Digest.isDigest(d), d);
            assertEquals(d, assertDoesNotThrow(d).toString());
        }
        for (String o : others) {
            assertEquals(false, Digest.isDigest(o), o);
            assertThrows(InvalidReferenceException.class, () -> Digest.parse(o), o);
        }
    }

    private static Digest assertDoesNotThrow(String text) {
        try {
            return Digest.parse(text);
        } catch (InvalidReferenceException e) {
            throw new AssertionError(text, e);
        }
    }
}
