package dev.jcri.image.pull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Runs one task per key at a time: callers asking for a key already in flight share its result.
 * The key is forgotten when the task ends, so a later call runs it again.
 */
final class SingleFlight<K, V> {

    private final ConcurrentMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

    /** Whether the returned future was started by this call (false: joined another caller's). */
    record Flight<V>(CompletableFuture<V> future, boolean leader) {}

    Flight<V> run(K key, Supplier<CompletableFuture<V>> start) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return new Flight<>(existing, false);
        }
        start.get().whenComplete((v, t) -> {
            inFlight.remove(key, mine);
            if (t != null) {
                mine.completeExceptionally(t);
            } else {
                mine.complete(v);
            }
        });
        return new Flight<>(mine, true);
    }
}
