package dev.jcri.snapshot;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per snapshot key, created on demand and dropped when unused (keys come and go with
 * containers; a map that only grows would leak). Serialises work on one key — a second
 * applyLayer of the same chain ID waits and then finds it done — while different keys proceed
 * in parallel. ReentrantLock rather than synchronized: holders block on I/O, and virtual threads
 * must not pin their carrier meanwhile.
 */
final class KeyLocks {
    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /** Releases the key's lock; try-with-resources friendly. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<String, Entry> locks = new HashMap<>();

    Held lock(String key) {
        Entry e;
        synchronized (locks) {
            e = locks.computeIfAbsent(key, k -> new Entry());
            e.users++;
        }
        e.lock.lock();
        return () -> {
            e.lock.unlock();
            synchronized (locks) {
                if (--e.users == 0) {
                    locks.remove(key);
                }
            }
        };
    }
}
