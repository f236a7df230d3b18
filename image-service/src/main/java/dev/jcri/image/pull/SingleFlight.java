package dev.jcri.image.pull;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Runs one task per key at a time: callers asking for a key already in flight share its result.
 * The key is forgotten when the task ends (or fails to start), so a later call runs it again.
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
        CompletableFuture<V> started;
        try {
            started = start.get();
        } catch (Throwable t) {
            // not started (no thread, say): forget the key, or every later caller would wait forever
            inFlight.remove(key, mine);
            mine.completeExceptionally(t);
            throw t;
        }
        var _ = started.whenComplete((v, t) -> { // the callback cannot throw: nothing to observe
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
