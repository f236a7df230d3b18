package dev.jcri.image.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.RegistryAuthException;
import dev.jcri.image.error.RegistryUnavailableException;
import dev.jcri.json.BoundedJson;
import dev.jcri.image.ref.ImageReference;
import dev.jcri.image.registry.WwwAuthenticate.Challenge;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Computes the Authorization header for a registry request from the registry's challenge:
 * Basic with username/password, or Bearer with a token from the registry's token server
 * (Docker's token protocol: GET realm?service=..&scope=.. with Basic credentials or anonymously;
 * an identity token is exchanged by an OAuth2 refresh_token POST). Tokens are cached until they
 * expire, keyed by a digest of realm, service, scope and credentials; {@code refresh} forces a new
 * one after a 401.
 *
 * <p>The realm comes from the registry's answer, so it is not trusted with secrets: a password or
 * identity token goes only to an HTTPS realm or one on a loopback address, never over plain HTTP
 * across the network (where anyone on the path could read it). The answer is read within
 * {@link #MAX_TOKEN_RESPONSE_BYTES} and the timeout.
 */
final class Authenticator {

    /** The spec's default when a token response names no lifetime. */
    private static final long DEFAULT_TOKEN_SECONDS = 60;
    /** A token answer is a small JSON object; a bigger one is refused (CRI-O allows the same 1 MiB). */
    static final int MAX_TOKEN_RESPONSE_BYTES = 1 << 20;
    /** JSON tokens of a token answer: token, access_token, expires_in, issued_at and a few more. */
    private static final long MAX_TOKEN_RESPONSE_JSON_TOKENS = 1000;

    private final HttpTransport http;
    private final TokenCache tokens;
    private final Clock clock;
    private final Duration timeout;

    Authenticator(HttpTransport http, Clock clock, Duration timeout) {
        this.http = http;
        this.tokens = new TokenCache(clock);
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Null when the challenges ask for nothing or nothing we can answer. */
    String authorization(Endpoint endpoint, List<Challenge> challenges, String scope, boolean refresh)
            throws ImageException, InterruptedException {
        Challenge bearer = find(challenges, "bearer");
        RegistryCredentials creds = endpoint.credentials();
        if (bearer != null && bearer.param("realm") != null) {
            if (!creds.registryToken().isEmpty()) {
                return "Bearer " + creds.registryToken();
            }
            String wantedScope = bearer.param("scope") != null && !bearer.param("scope").isBlank() && refresh
                    ? bearer.param("scope") : scope;
            String key = tokenKey(bearer.param("realm"), bearer.param("service"), wantedScope, creds);
            if (refresh) {
                tokens.invalidate(key);
            } else {
                String cached = tokens.get(key);
                if (cached != null) {
                    return "Bearer " + cached;
                }
            }
            return "Bearer " + fetchToken(endpoint, bearer, wantedScope, key);
        }
        if (find(challenges, "basic") != null && creds.hasPassword()) {
            return creds.basicHeader();
        }
        return null;
    }

    /** The token cache key: a digest, so that no realm, service or scope a registry sends can forge another's key. */
    static String tokenKey(String realm, String service, String scope, RegistryCredentials creds) {
        return RegistryCredentials.fingerprint(realm, service, scope, creds.cacheKey());
    }

    /** Whether secrets may be sent to this realm: over TLS, or to this machine itself. */
    static boolean maySendSecretsTo(URI realm) {
        return "https".equalsIgnoreCase(realm.getScheme()) || ImageReference.isLoopbackHost(realm.getHost());
    }

    private static Challenge find(List<Challenge> challenges, String scheme) {
        for (Challenge c : challenges) {
            if (c.scheme().equals(scheme)) {
                return c;
            }
        }
        return null;
    }

    private String fetchToken(Endpoint endpoint, Challenge bearer, String scope, String key)
            throws ImageException, InterruptedException {
        RegistryCredentials creds = endpoint.credentials();
        String realm = bearer.param("realm");
        String service = bearer.param("service");
        URI realmUri;
        try {
            realmUri = URI.create(realm);
            if (realmUri.getScheme() == null || realmUri.getHost() == null) {
                throw new IllegalArgumentException("not absolute");
            }
        } catch (IllegalArgumentException e) {
            throw new RegistryAuthException(endpoint + " sent an unusable token realm \"" + realm + "\"");
        }
        boolean secret = !creds.identityToken().isEmpty() || creds.hasPassword();
        if (secret && !maySendSecretsTo(realmUri)) {
            throw new RegistryAuthException(endpoint + " asks for a token from " + realm + ": refusing to send "
                    + creds + " there over plain HTTP (a token realm must use HTTPS unless it is on a loopback address)");
        }
        HttpTransport.Response r;
        try {
            if (!creds.identityToken().isEmpty()) {
                r = postRefreshToken(endpoint, realmUri, service, scope, creds.identityToken());
            } else {
                StringBuilder q = new StringBuilder();
                if (service != null) {
                    q.append("service=").append(enc(service));
                }
                if (scope != null) {
                    q.append(q.isEmpty() ? "" : "&").append("scope=").append(enc(scope));
                }
                String sep = realmUri.getRawQuery() == null ? "?" : "&";
                URI uri = URI.create(realm + (q.isEmpty() ? "" : sep + q));
                r = http.send(endpoint, "GET", uri, Map.of(), creds.hasPassword() ? creds.basicHeader() : null,
                        timeout, "token from " + realmUri.getHost());
            }
        } catch (IOException e) {
            throw new RegistryUnavailableException("cannot get a token for " + endpoint + " from " + realm + ": " + e.getMessage(), e);
        }
        if (r.status() == 401 || r.status() == 403) {
            throw new RegistryAuthException("token server " + realm + " of " + endpoint + " refused "
                    + creds + " (HTTP " + r.status() + ")" + (creds.isEmpty() ? ": the registry requires credentials" : ": wrong credentials?"));
        }
        if (r.status() != 200 || r.body() == null) {
            r.discard();
            throw new RegistryUnavailableException("token server " + realm + " of " + endpoint + " answered HTTP "
                    + r.status() + " " + r.errorText());
        }
        JsonNode body;
        try {
            byte[] bytes = r.body().readAllCapped(MAX_TOKEN_RESPONSE_BYTES, "token response from " + realmUri.getHost(), timeout);
            body = BoundedJson.readTree(bytes, MAX_TOKEN_RESPONSE_JSON_TOKENS);
        } catch (IOException e) {
            throw new RegistryUnavailableException("unreadable token response from " + realm + ": " + e.getMessage(), e);
        }
        String token = body.path("token").asText("");
        if (token.isEmpty()) {
            token = body.path("access_token").asText("");
        }
        if (token.isEmpty()) {
            throw new RegistryAuthException("token server " + realm + " of " + endpoint + " returned no token");
        }
        long expiresIn = body.path("expires_in").asLong(DEFAULT_TOKEN_SECONDS);
        if (expiresIn < DEFAULT_TOKEN_SECONDS) {
            expiresIn = DEFAULT_TOKEN_SECONDS;
        }
        Instant issued = clock.instant();
        if (body.hasNonNull("issued_at")) {
            try {
                Instant i = Instant.parse(body.get("issued_at").asText());
                if (i.isBefore(issued)) {
                    issued = i; // never trust a future issue time from a skewed clock
                }
            } catch (DateTimeParseException ignored) {
                // keep our clock
            }
        }
        tokens.put(key, token, issued, expiresIn);
        return token;
    }

    private HttpTransport.Response postRefreshToken(Endpoint endpoint, URI realm, String service, String scope,
            String refreshToken) throws IOException, InterruptedException, ImageException {
        String form = "grant_type=refresh_token&client_id=jcri&refresh_token=" + enc(refreshToken)
                + (service != null ? "&service=" + enc(service) : "") + (scope != null ? "&scope=" + enc(scope) : "");
        return http.post(endpoint, realm, form, "token from " + realm.getHost(), timeout);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
