package dev.jcri.image.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.image.error.InvalidReferenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    private static final String D = "sha256:" + "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.36, docker.io/library/busybox:1.36",
            "library/busybox, docker.io/library/busybox:latest",
            "docker.io/busybox, docker.io/library/busybox:latest",
            "index.docker.io/library/busybox:1, docker.io/library/busybox:1",
            "kindest/node:v1.30.0, docker.io/kindest/node:v1.30.0",
            "registry.k8s.io/pause:3.10, registry.k8s.io/pause:3.10",
            "localhost/app, localhost/app:latest",
            "localhost:5000/a/b/c:t, localhost:5000/a/b/c:t",
            "127.0.0.1:5000/test/busybox:1, 127.0.0.1:5000/test/busybox:1",
            "[::1]:5000/x:y, [::1]:5000/x:y",
            "Registry.Example.com/app, Registry.Example.com/app:latest",
            "a.b/x__y-z.w:T_1.2-3, a.b/x__y-z.w:T_1.2-3",
    })
    void normalisesLikeDocker(String input, String expected) throws Exception {
        assertEquals(expected, ImageReference.parse(input).toString());
    }

    @Test
    void digestWinsOverTag() throws Exception {
        ImageReference r = ImageReference.parse("busybox:1.36@" + D);
        assertEquals("1.36", r.tag());
        assertEquals(D, r.digest().toString());
        assertEquals(D, r.manifestReference());
        assertNull(r.repoTag(), "a digest-pinned reference names no tag to record");
        assertEquals("docker.io/library/busybox@" + D, r.repoDigest(r.digest()));
    }

    @Test
    void digestOnlyHasNoTag() throws Exception {
        ImageReference r = ImageReference.parse("quay.io/org/app@" + D);
        assertNull(r.tag());
        assertEquals("quay.io", r.registry());
        assertEquals("org/app", r.repository());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " busybox", "Busybox", "busybox:", "busybox:-x", "busybox@sha256:abc", "a//b", "/busybox",
            "busybox/", "host:99999/app", "bad_host:1/x", "x@md5:" + "a", "-x/app",
            "0123456789012345678901234567890123456789012345678901234567890123"})
    void rejectsInvalidReferencesNamingThem(String input) {
        InvalidReferenceException e = assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(input));
        assertTrue(e.getMessage().contains("\"" + input + "\""), e.getMessage());
    }

    @Test
    void loopbackHosts() {
        assertTrue(ImageReference.isLoopbackHost("localhost:5000"));
        assertTrue(ImageReference.isLoopbackHost("127.0.0.1:5000"));
        assertTrue(ImageReference.isLoopbackHost("127.1.2.3"));
        assertTrue(ImageReference.isLoopbackHost("[::1]:5000"));
        assertFalse(ImageReference.isLoopbackHost("10.0.0.1:5000"));
        assertFalse(ImageReference.isLoopbackHost("registry.k8s.io"));
        assertFalse(ImageReference.isLoopbackHost("localhost.example.com"));
    }

    @Test
    void digests() throws Exception {
        assertEquals(D, Digest.parse(D).toString());
        assertThrows(InvalidReferenceException.class, () -> Digest.parse("sha256:" + "A".repeat(64)));
        assertThrows(InvalidReferenceException.class, () -> Digest.parse("sha256:abc"));
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digest.sha256(new byte[0]).toString());
    }
}
