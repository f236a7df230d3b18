package dev.jcri.concurrent;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per key (a snapshot key, a pod, a container), created on demand and dropped when nobody
 * holds or waits for it. Keys come and go with the objects they name, so a map that only grows would
 * leak; work on one key is serialised while different keys proceed in parallel.
 *
 * <p>ReentrantLock rather than {@code synchronized} on a per-key object: holders block on I/O and
 * child processes on virtual threads, which must not pin their carrier meanwhile. The lock is
 * reentrant: a holder may take its own key again (each {@link Held} is closed once).
 *
 * <pre>{@code
 * try (KeyedLocks.Held held = locks.lock(id)) {
 *     ... // only one thread at a time works on id
 * }
 * }</pre>
 *
 * @param <K> the key type (compared with equals/hashCode)
 */
public final class KeyedLocks<K> {

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        int users; // holders and waiters; guarded by the map
    }

    /** Releases the key's lock; close() does not throw, so try-with-resources needs no catch. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<K, Slot> slots = new HashMap<>();

    /** Waits (uninterruptibly, as {@code synchronized} would) until this thread holds {@code key}'s lock. */
    public Held lock(K key) {
        Slot slot;
        synchronized (slots) {
            slot = slots.computeIfAbsent(key, k -> new Slot());
            slot.users++;
        }
        slot.lock.lock();
        return () -> {
            slot.lock.unlock();
            synchronized (slots) {
                if (--slot.users == 0) {
                    slots.remove(key);
                }
            }
        };
    }

    /** Keys with a holder or a waiter (for tests: an idle instance holds no memory per key). */
    public int size() {
        synchronized (slots) {
            return slots.size();
        }
    }
}
