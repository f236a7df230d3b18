package dev.jcri.cni;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per key (per pod), created on demand and dropped when nobody holds or waits for it, so
 * ADD and DEL of one pod are serialised while different pods proceed in parallel.
 * ReentrantLock rather than synchronized: callers run on virtual threads and block in plugin execs.
 */
final class KeyedLocks {
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** Releases the lock; close() does not throw. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<String, Slot> slots = new HashMap<>();

    Held lock(String key) {
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

    int size() {
        synchronized (slots) {
            return slots.size();
        }
    }
}
