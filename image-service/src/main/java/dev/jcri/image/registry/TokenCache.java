package dev.jcri.image.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by (realm, service, scope, credentials), kept until shortly before they expire.
 */
final class TokenCache {

    private record Entry(String token, Instant expires) {}

    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    TokenCache(Clock clock) {
        this.clock = clock;
    }

    String get(String key) {
        Entry e = tokens.get(key);
        if (e == null) {
            return null;
        }
        if (!clock.instant().isBefore(e.expires())) {
            tokens.remove(key, e);
            return null;
        }
        return e.token();
    }

    /** Keeps a token until 10 s (or a tenth of its life, when shorter) before it expires. */
    void put(String key, String token, Instant issued, long expiresInSeconds) {
        long margin = Math.min(10, expiresInSeconds / 10);
        tokens.put(key, new Entry(token, issued.plusSeconds(expiresInSeconds - margin)));
    }

    void invalidate(String key) {
        tokens.remove(key);
    }
}
