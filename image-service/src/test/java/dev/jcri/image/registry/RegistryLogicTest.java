package dev.jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.image.ref.ImageReference;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryLogicTest {

    @Test
    void parsesBearerChallenges() {
        List<WwwAuthenticate.Challenge> c = WwwAuthenticate.parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"");
        assertEquals(1, c.size());
        assertEquals("bearer", c.getFirst().scheme());
        assertEquals("https://auth.docker.io/token", c.getFirst().param("realm"));
        assertEquals("registry.docker.io", c.getFirst().param("service"));
        assertEquals("repository:library/busybox:pull", c.getFirst().param("scope"));
    }

    @Test
    void parsesSeveralChallengesAndOddSpacing() {
        List<WwwAuthenticate.Challenge> c = WwwAuthenticate.parse("Basic realm=\"r\", Bearer  realm = \"x\" , scope=\"a b\"");
        assertEquals(2, c.size());
        assertEquals("basic", c.get(0).scheme());
        assertEquals("r", c.get(0).param("realm"));
        assertEquals("x", c.get(1).param("realm"));
        assertEquals("a b", c.get(1).param("scope"));
        assertEquals("basic", WwwAuthenticate.parse("Basic").getFirst().scheme());
        assertEquals("q\"uote", WwwAuthenticate.parse("Bearer realm=\"q\\\"uote\"").getFirst().param("realm"));
        assertTrue(WwwAuthenticate.parse((String) null).isEmpty());
    }

    @Test
    void credentialsFromAuthField() {
        RegistryCredentials c = RegistryCredentials.of("", "", "dXNlcjpwYTpzcw==", "", "");
        assertEquals("user", c.username());
        assertEquals("pa:ss", c.password());
        assertThrows(IllegalArgumentException.class, () -> RegistryCredentials.of("", "", "!!!", "", ""));
        assertTrue(RegistryCredentials.NONE.isEmpty());
        assertFalse(c.toString().contains("pa:ss"));
    }

    @Test
    void mirrorsComeFirstThenTheRegistry() throws Exception {
        RegistryConfig config = new RegistryConfig(Map.of("docker.io", List.of("http://127.0.0.1:5000", "mirror.example.com")),
                Map.of(), Duration.ofSeconds(10), 3, 3);
        List<Endpoint> eps = new EndpointResolver(config).endpoints(ImageReference.parse("busybox"), RegistryCredentials.basic("u", "p"));
        assertEquals(3, eps.size());
        assertEquals(List.of(URI.create("http://127.0.0.1:5000")), eps.get(0).candidates());
        assertTrue(eps.get(0).mirror());
        assertTrue(eps.get(0).credentials().isEmpty(), "request credentials are for the registry, not mirrors");
        assertEquals(List.of(URI.create("https://mirror.example.com")), eps.get(1).candidates());
        assertEquals("registry-1.docker.io", eps.get(2).host());
        assertEquals("u", eps.get(2).credentials().username());
    }

    @Test
    void loopbackAndInsecureHostsMayUsePlainHttp() throws Exception {
        RegistryConfig config = new RegistryConfig(Map.of(),
                Map.of("reg.internal:5000", new RegistryHostConfig(true, null, RegistryCredentials.basic("a", "b"))),
                Duration.ofSeconds(10), 3, 3);
        EndpointResolver r = new EndpointResolver(config);
        assertEquals(List.of(URI.create("http://127.0.0.1:5000"), URI.create("https://127.0.0.1:5000")),
                r.endpoints(ImageReference.parse("127.0.0.1:5000/x"), RegistryCredentials.NONE).getFirst().candidates());
        Endpoint insecure = r.endpoints(ImageReference.parse("reg.internal:5000/x"), RegistryCredentials.NONE).getFirst();
        assertEquals(2, insecure.candidates().size());
        assertEquals("a", insecure.credentials().username(), "configured credentials apply without request credentials");
        assertEquals(1, r.endpoints(ImageReference.parse("quay.io/x"), RegistryCredentials.NONE).getFirst().candidates().size());
    }

    @Test
    void tokensExpire() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        TokenCache cache = new TokenCache(Clock.fixed(now, ZoneOffset.UTC));
        cache.put("k", "t", now.minusSeconds(250), 300);
        assertEquals("t", cache.get("k"));
        cache.put("old", "t", now.minusSeconds(295), 300);
        assertNull(cache.get("old"), "kept only until shortly before expiry");
    }

    @Test
    void redirectsKeepAuthorizationOnlyOnTheSameOrigin() {
        assertTrue(HttpTransport.sameOrigin(URI.create("https://r.io/v2/x"), URI.create("https://r.io:443/v2/y")));
        assertFalse(HttpTransport.sameOrigin(URI.create("https://r.io/v2/x"), URI.create("https://cdn.r.io/blob")));
        assertFalse(HttpTransport.sameOrigin(URI.create("http://r.io/v2/x"), URI.create("https://r.io/v2/x")));
        assertFalse(HttpTransport.sameOrigin(URI.create("http://127.0.0.1:5000/"), URI.create("http://127.0.0.1:5001/")));
    }
}
