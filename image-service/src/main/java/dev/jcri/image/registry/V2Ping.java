package dev.jcri.image.registry;

import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.PullStalledException;
import dev.jcri.image.error.RegistryUnavailableException;
import dev.jcri.image.registry.WwwAuthenticate.Challenge;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code GET /v2/} probe: finds which of an endpoint's base URIs answers (HTTPS first; plain
 * HTTP for loopback and insecure hosts) and which authentication it asks for. Results are cached
 * for a few minutes per endpoint.
 */
final class V2Ping {

    private static final Logger LOG = LoggerFactory.getLogger(V2Ping.class);
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    /** A probed endpoint: the base URI that answered and its challenges (empty: no auth needed). */
    record Probe(URI base, List<Challenge> challenges, Instant at) {}

    private final HttpTransport http;
    private final Clock clock;
    private final Duration timeout;
    private final int maxAttempts;
    private final Map<String, Probe> cache = new ConcurrentHashMap<>();

    V2Ping(HttpTransport http, Clock clock, Duration timeout, int maxAttempts) {
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
    }

    Probe probe(Endpoint endpoint) throws ImageException, InterruptedException {
        String key = key(endpoint);
        Probe cached = cache.get(key);
        if (cached != null && cached.at().plus(TTL).isAfter(clock.instant())) {
            return cached;
        }
        IOException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) {
                Backoff.pause(attempt);
            }
            for (URI base : endpoint.candidates()) {
                // a server that does not speak this scheme may never answer: probe briefly when there is a fallback
                boolean lastCandidate = base.equals(endpoint.candidates().getLast());
                Duration probeTimeout = lastCandidate || timeout.compareTo(PROBE_TIMEOUT) < 0 ? timeout : PROBE_TIMEOUT;
                try {
                    HttpTransport.Response r = http.send(endpoint, "GET", endpoint.uri(base, ""), Map.of(), null, probeTimeout,
                            endpoint.root() + "/ of " + endpoint);
                    r.discard();
                    if (r.status() >= 500 || r.status() == 429) {
                        last = new IOException("HTTP " + r.status() + " from " + endpoint.uri(base, ""));
                        continue;
                    }
                    List<Challenge> challenges = r.status() == 401
                            ? WwwAuthenticate.parse(r.headers().allValues("WWW-Authenticate")) : List.of();
                    Probe p = new Probe(base, challenges, clock.instant());
                    cache.put(key, p);
                    LOG.debug("{} answers at {} (auth: {})", endpoint, base, challenges);
                    return p;
                } catch (BodyStream.StalledException e) {
                    if (lastCandidate) {
                        throw new PullStalledException(endpoint + " did not answer " + endpoint.root() + "/ within " + timeout.toSeconds() + " s");
                    }
                } catch (IOException e) {
                    last = e;
                    LOG.debug("{}: {} does not answer: {}", endpoint, base, e.toString());
                }
            }
        }
        throw new RegistryUnavailableException("cannot reach " + endpoint + " at " + endpoint.candidates() + ": "
                + (last == null ? "no answer" : last.getMessage() != null ? last.getMessage() : last.toString()), last);
    }

    void forget(Endpoint endpoint) {
        cache.remove(key(endpoint));
    }

    private static String key(Endpoint endpoint) {
        return endpoint.candidates() + endpoint.root();
    }
}
