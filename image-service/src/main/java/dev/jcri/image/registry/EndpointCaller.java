package dev.jcri.image.registry;

import dev.jcri.image.error.AccessDeniedException;
import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.ImageNotFoundException;
import dev.jcri.image.error.PullStalledException;
import dev.jcri.image.error.RegistryAuthException;
import dev.jcri.image.error.RegistryUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Sends GETs for one repository to one endpoint: probes it, adds authorization, re-authenticates
 * once on a 401 with the challenge the registry sent, retries transient failures (network errors,
 * 5xx, 429) with backoff, and turns error statuses into {@link ImageException}s. A broken answer
 * ({@link RegistryProtocolException}: a redirect loop, ...) is not retried.
 */
final class EndpointCaller {

    private final HttpTransport http;
    private final V2Ping ping;
    private final Authenticator auth;
    private final Endpoint endpoint;
    private final String repository;
    private final Duration timeout;
    private final int maxAttempts;

    EndpointCaller(HttpTransport http, V2Ping ping, Authenticator auth, Endpoint endpoint, String repository,
            Duration timeout, int maxAttempts) {
        this.http = http;
        this.ping = ping;
        this.auth = auth;
        this.endpoint = endpoint;
        this.repository = repository;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    private String scope() {
        return "repository:" + repository + ":pull";
    }

    /**
     * GETs {@code <root>/<repository>/<path>} (root: /v2 unless configured otherwise); returns a 2xx response with its body stream open.
     *
     * @param what names the object in messages ("manifest docker.io/library/busybox:latest")
     */
    HttpTransport.Response get(String path, Map<String, String> headers, String what)
            throws ImageException, InterruptedException {
        Exception last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                Backoff.pause(attempt);
            }
            V2Ping.Probe probe = ping.probe(endpoint);
            URI uri = endpoint.uri(probe.base(), repository + "/" + path);
            try {
                String authorization = auth.authorization(endpoint, probe.challenges(), scope(), false);
                HttpTransport.Response r = http.send(endpoint, "GET", uri, headers, authorization, timeout, what);
                if (r.status() == 401) {
                    var challenges = WwwAuthenticate.parse(r.headers().allValues("WWW-Authenticate"));
                    if (challenges.isEmpty()) {
                        challenges = probe.challenges();
                    }
                    String again = auth.authorization(endpoint, challenges, scope(), true);
                    if (again != null) {
                        r = http.send(endpoint, "GET", uri, headers, again, timeout, what);
                    }
                    if (r.status() == 401) {
                        throw new RegistryAuthException(endpoint + " refused " + endpoint.credentials() + " for " + what
                                + (endpoint.credentials().isEmpty() ? ": the registry requires authentication"
                                        : ": wrong username or password?")
                                + " (HTTP 401 " + r.errorText() + ")");
                    }
                }
                int s = r.status();
                if (s >= 200 && s < 300) {
                    return r;
                }
                if (s == 404) {
                    throw new ImageNotFoundException(what + " not found at " + endpoint + " (HTTP 404 " + r.errorText() + ")");
                }
                if (s == 403) {
                    throw new AccessDeniedException(endpoint + " denied access to " + what + " for " + endpoint.credentials()
                            + " (HTTP 403 " + r.errorText() + ")");
                }
                if (s == 429 || s >= 500) {
                    last = new IOException("HTTP " + s + " " + r.errorText());
                    continue;
                }
                throw new RegistryUnavailableException(endpoint + " answered HTTP " + s + " for " + what + " " + r.errorText());
            } catch (BodyStream.StalledException e) {
                throw new PullStalledException(what + ": " + e.getMessage() + " (" + endpoint + ")");
            } catch (RegistryProtocolException e) {
                throw new RegistryUnavailableException(endpoint + " broke the protocol: " + e.getMessage(), e);
            } catch (IOException e) {
                last = e;
                ping.forget(endpoint);
            }
        }
        String why = last == null ? "" : last.getMessage() != null ? last.getMessage() : last.toString();
        throw new RegistryUnavailableException("fetching " + what + " from " + endpoint + " failed after " + maxAttempts
                + " attempts: " + why, last);
    }
}
