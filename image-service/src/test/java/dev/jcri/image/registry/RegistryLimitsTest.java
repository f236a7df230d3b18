package dev.jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.RegistryAuthException;
import dev.jcri.image.error.RegistryUnavailableException;
import dev.jcri.image.error.UnsupportedImageException;
import dev.jcri.image.ref.ImageReference;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile registry and token server (a local HTTP server that misbehaves on purpose): every
 * answer is read within a byte limit and a deadline, redirects are bounded, and credentials go
 * nowhere they could be read on the wire.
 */
@Timeout(60)
class RegistryLimitsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpTransport http = new HttpTransport(TIMEOUT);
    private HostileServer server;

    @AfterEach
    void close() {
        http.close();
        if (server != null) {
            server.close();
        }
    }

    private static Endpoint endpoint(HostileServer s, RegistryCredentials creds) {
        return new Endpoint(s.hostPort(), List.of(s.uri("")), false, RegistryHostConfig.DEFAULT, creds);
    }

    private HttpTransport.Response get(String path) throws IOException, InterruptedException {
        return http.send(endpoint(server, RegistryCredentials.NONE), "GET", server.uri(path), Map.of(), null, TIMEOUT, "test " + path);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    // ------------------------------------------------------------------ error bodies, redirects

    @Test
    void anEndlessErrorBodyIsCutAtItsLimit() throws Exception {
        server = HostileServer.loopback().route("/endless", HostileServer.endless(404, "text/plain"));
        long start = System.nanoTime();
        HttpTransport.Response r = get("/endless");
        assertEquals(404, r.status());
        assertTrue(r.errorBody().length <= HttpTransport.MAX_ERROR_BODY_BYTES, "kept " + r.errorBody().length);
        assertTrue(millisSince(start) < 10_000, "took " + millisSince(start) + " ms");
    }

    @Test
    void aTrickledErrorBodyEndsAtTheDeadline() throws Exception {
        server = HostileServer.loopback().route("/slow", HostileServer.trickle(500, 100));
        long start = System.nanoTime();
        HttpTransport.Response r = get("/slow");
        assertEquals(500, r.status());
        assertTrue(millisSince(start) < TIMEOUT.toMillis() + 3000, "took " + millisSince(start) + " ms");
    }

    @Test
    void aRedirectLoopIsNamedAsSuch() throws Exception {
        server = HostileServer.loopback().route("/a", HostileServer.redirect("/b")).route("/b", HostileServer.redirect("/a"));
        IOException e = assertThrows(IOException.class, () -> get("/a"));
        assertTrue(e.getMessage().contains("redirect loop"), e.getMessage());
        assertTrue(server.hits("/a") + server.hits("/b") <= 3, "stopped at the first repeat: " + server.seen());
    }

    @Test
    void redirectsAreCountedAndTheLimitNamed() throws Exception {
        server = HostileServer.loopback();
        for (int i = 0; i < 30; i++) {
            server.route("/r" + i, HostileServer.redirect("/r" + (i + 1)));
        }
        IOException e = assertThrows(IOException.class, () -> get("/r0"));
        assertTrue(e.getMessage().contains(Integer.toString(HttpTransport.MAX_REDIRECTS)), e.getMessage());
        assertTrue(server.seen().size() <= HttpTransport.MAX_REDIRECTS + 1, "requests: " + server.seen().size());
    }

    @Test
    void aHugeOrStrangeLocationIsRefusedWithAnIoError() throws Exception {
        server = HostileServer.loopback()
                .route("/long", HostileServer.redirect("/" + "x".repeat(HttpTransport.MAX_LOCATION_CHARS + 1)))
                .route("/file", HostileServer.redirect("file:///etc/passwd"))
                .route("/bad", HostileServer.redirect("http://[::1"));
        IOException e = assertThrows(IOException.class, () -> get("/long"));
        assertTrue(e.getMessage().contains(Integer.toString(HttpTransport.MAX_LOCATION_CHARS)), e.getMessage());
        e = assertThrows(IOException.class, () -> get("/file"));
        assertTrue(e.getMessage().contains("file"), e.getMessage());
        e = assertThrows(IOException.class, () -> get("/bad"));
        assertTrue(e.getMessage().contains("Location"), e.getMessage());
    }

    @Test
    void aDocumentThatTricklesIsCutAtItsDeadline() throws Exception {
        server = HostileServer.loopback().route("/doc", HostileServer.trickle(200, 100));
        HttpTransport.Response r = get("/doc");
        long start = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> r.body().readAllCapped(1 << 20, "test document", Duration.ofSeconds(1)));
        assertTrue(e instanceof BodyStream.StalledException, e.toString());
        assertTrue(millisSince(start) < 3000, "took " + millisSince(start) + " ms");
    }

    // ------------------------------------------------------------------ manifests through the client

    @Test
    void aManifestAnnouncedLargerThanItsLimitIsRefusedBeforeItIsRead() throws Exception {
        server = HostileServer.loopback().route("/v2/", HostileServer.json(200, "{}"))
                .route("/v2/big/manifests/1", HostileServer.announces(200, RepositorySession.MAX_MANIFEST_BYTES + 1))
                .route("/v2/endless/manifests/1", HostileServer.endless(200, "application/vnd.oci.image.manifest.v1+json"));
        RegistryConfig config = new RegistryConfig(Map.of(), Map.of(), TIMEOUT, 1, 2);
        try (RegistryClient client = new RegistryClient(config)) {
            for (String repo : List.of("big", "endless")) {
                long start = System.nanoTime();
                RepositorySession s = client.open(ImageReference.parse(server.hostPort() + "/" + repo + ":1"), RegistryCredentials.NONE);
                ImageException e = assertThrows(ImageException.class, () -> s.fetchManifest("1"));
                assertTrue(e instanceof UnsupportedImageException, repo + ": " + e);
                assertTrue(e.getMessage().contains(Long.toString(RepositorySession.MAX_MANIFEST_BYTES)), e.getMessage());
                assertTrue(millisSince(start) < TIMEOUT.toMillis(), repo + " took " + millisSince(start) + " ms: refused, not waited for");
            }
        }
    }

    // ------------------------------------------------------------------ token servers

    private String bearer(String realmPath, RegistryCredentials creds) throws Exception {
        Authenticator auth = new Authenticator(http, Clock.systemUTC(), TIMEOUT);
        String challenge = "Bearer realm=\"" + server.uri(realmPath) + "\",service=\"test\"";
        return auth.authorization(endpoint(server, creds), WwwAuthenticate.parse(challenge), "repository:x:pull", false);
    }

    @Test
    void aTokenServerThatNeverAnswersFailsWithinTheTimeout() throws Exception {
        server = HostileServer.loopback().route("/token", HostileServer.silent());
        long start = System.nanoTime();
        assertThrows(RegistryUnavailableException.class, () -> bearer("/token", RegistryCredentials.NONE));
        assertTrue(millisSince(start) < TIMEOUT.toMillis() + 3000, "took " + millisSince(start) + " ms");
    }

    @Test
    void aTokenAnswerThatNeverEndsFailsAtItsLimitOrDeadline() throws Exception {
        server = HostileServer.loopback().route("/endless", HostileServer.endless(200, "application/json"))
                .route("/slow", HostileServer.trickle(200, 100));
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> bearer("/endless", RegistryCredentials.NONE));
        assertTrue(e.getMessage().contains(Integer.toString(Authenticator.MAX_TOKEN_RESPONSE_BYTES)), e.getMessage());
        long start = System.nanoTime();
        assertThrows(RegistryUnavailableException.class, () -> bearer("/slow", RegistryCredentials.NONE));
        assertTrue(millisSince(start) < TIMEOUT.toMillis() + 3000, "took " + millisSince(start) + " ms");
    }

    @Test
    void anEndlessTokenRefusalIsReadOnlyUpToItsLimit() throws Exception {
        server = HostileServer.loopback().route("/token", HostileServer.endless(401, "application/json"));
        long start = System.nanoTime();
        assertThrows(RegistryAuthException.class, () -> bearer("/token", RegistryCredentials.basic("u", "p")));
        assertTrue(millisSince(start) < 10_000, "took " + millisSince(start) + " ms");
    }

    @Test
    void anIdentityTokenExchangeIsBoundedToo() throws Exception {
        server = HostileServer.loopback().route("/endless", HostileServer.endless(200, "application/json"))
                .route("/refused", HostileServer.endless(400, "application/json"));
        RegistryCredentials identity = new RegistryCredentials("", "", "refresh-token", "");
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> bearer("/endless", identity));
        assertTrue(e.getMessage().contains(Integer.toString(Authenticator.MAX_TOKEN_RESPONSE_BYTES)), e.getMessage());
        long start = System.nanoTime();
        assertThrows(ImageException.class, () -> bearer("/refused", identity));
        assertTrue(millisSince(start) < 10_000, "took " + millisSince(start) + " ms");
    }

    // ------------------------------------------------------------------ credentials

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void credentialsAreNeverSentToAPlainHttpRealmOfAnotherHost() throws Exception {
        Optional<InetAddress> address = nonLoopbackAddress();
        assumeTrue(address.isPresent(), "needs a non-loopback address");
        server = HostileServer.on(address.get()).route("/token", HostileServer.json(200, "{\"token\":\"t\"}"));
        for (RegistryCredentials creds : List.of(RegistryCredentials.basic("user", "secret"),
                new RegistryCredentials("", "", "refresh-token", ""))) {
            RegistryAuthException e = assertThrows(RegistryAuthException.class, () -> bearer("/token", creds));
            assertTrue(e.getMessage().contains("plain HTTP"), e.getMessage());
        }
        assertTrue(server.seen().isEmpty(), "nothing was sent to the realm: " + server.seen());
        assertEquals("Bearer t", bearer("/token", RegistryCredentials.NONE), "anonymous tokens are still fetched");
        assertEquals(null, server.seen().getFirst().authorization());
    }

    @Test
    void tokenCacheKeysDoNotCollide() {
        // "Aa" and "BB" have the same String.hashCode
        assertNotEquals(RegistryCredentials.basic("u", "Aa").cacheKey(), RegistryCredentials.basic("u", "BB").cacheKey());
        assertNotEquals(new RegistryCredentials("u", "ab", "", "").cacheKey(), new RegistryCredentials("u", "a", "b", "").cacheKey());
        assertNotEquals(RegistryCredentials.basic("u#1", "x").cacheKey(), RegistryCredentials.basic("u", "1x").cacheKey());
        assertEquals(RegistryCredentials.basic("u", "p").cacheKey(), RegistryCredentials.basic("u", "p").cacheKey());
        assertTrue(!RegistryCredentials.basic("u", "secret").cacheKey().contains("secret"));
        assertNotEquals(Authenticator.tokenKey("https://a/t", "s|x", "scope", RegistryCredentials.NONE),
                Authenticator.tokenKey("https://a/t", "s", "x|scope", RegistryCredentials.NONE));
    }
}
