package dev.jcri.server.streaming;

import dev.jcri.errors.JcriException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Single-use tokens for streaming URLs: 32 random bytes (SecureRandom), URL-safe base64. A token is
 * removed when it is used, whether the connection then succeeds or not, and is worthless after its
 * time to live. The number waiting is bounded: a caller that asks for URLs and never connects
 * cannot make jcri hold them without limit.
 */
final class StreamTokens {

    /** Tokens waiting at once; kubelet uses a handful (one per exec/attach/port-forward in flight). */
    static final int MAX_PENDING = 4096;

    private record Entry(PendingStream request, long expiresAtNanos) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> pending = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final LongSupplier clock;

    StreamTokens(Duration ttl, LongSupplier nanoClock) {
        this.ttl = ttl;
        this.clock = nanoClock;
    }

    /** A new token for {@code request}; RESOURCE_EXHAUSTED when too many wait already. */
    String issue(PendingStream request) throws JcriException {
        dropExpired();
        if (pending.size() >= MAX_PENDING) {
            throw new JcriException(JcriException.Kind.RESOURCE_EXHAUSTED,
                    MAX_PENDING + " streaming URLs are waiting for their clients already; try again later");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        pending.put(token, new Entry(request, clock.getAsLong() + ttl.toNanos()));
        return token;
    }

    /** The request of a token, which is used up by this call; empty for an unknown, used or expired token. */
    Optional<PendingStream> take(String token) {
        Entry entry = pending.remove(token);
        if (entry == null || clock.getAsLong() - entry.expiresAtNanos() > 0) {
            return Optional.empty();
        }
        return Optional.of(entry.request());
    }

    int size() {
        return pending.size();
    }

    private void dropExpired() {
        long now = clock.getAsLong();
        for (Iterator<Entry> it = pending.values().iterator(); it.hasNext(); ) {
            if (now - it.next().expiresAtNanos() > 0) {
                it.remove();
            }
        }
    }
}
