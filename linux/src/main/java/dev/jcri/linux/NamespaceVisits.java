package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs reads inside other namespaces (a pod's network namespace, to read its interface counters
 * from {@code /proc/thread-self/net/dev}): the calling thread never changes namespace.
 *
 * <p>setns(2) moves only the calling thread, so the work runs on a new platform thread of its
 * own (never a virtual thread, which can move between carriers mid-work, and never a pooled
 * thread, which would serve unrelated work in the foreign namespace). The thread visits the
 * namespaces one after the other and ends with the visit: it is never taken back to the host's
 * namespace, so there is no "could not return" state to get wrong. Creating a thread costs tens
 * of microseconds, once per batch.
 */
public final class NamespaceVisits {

    private NamespaceVisits() {}

    /** Work done inside one namespace; the thread is in that namespace while it runs. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws IOException;
    }

    /** What a visit gave: a value, or why the namespace could not be entered or read. */
    public record Outcome<T>(T value, IOException failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    /**
     * Enters each namespace of {@code pins} (files naming a namespace: a bind-mount pin or
     * /proc/PID/ns/KIND) in order, of type {@code nstype} (a CLONE_NEW* of {@link Namespaces}),
     * and runs {@code work} there. One namespace that cannot be entered or read fails its own
     * outcome only. Waits at most {@code timeout} for the whole batch; what is not done by then
     * is reported as timed out.
     */
    public static <K, T> Map<K, Outcome<T>> visit(Map<K, Path> pins, int nstype, Work<T> work, Duration timeout)
            throws InterruptedException {
        Map<K, Outcome<T>> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        if (pins.isEmpty()) {
            return Map.of();
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread visitor = Thread.ofPlatform().daemon().name("jcri-ns-visit").unstarted(() -> {
            try {
                for (Map.Entry<K, Path> e : pins.entrySet()) {
                    try {
                        Namespaces.enter(e.getValue(), nstype);
                        outcomes.put(e.getKey(), new Outcome<>(work.run(), null));
                    } catch (IOException failure) {
                        outcomes.put(e.getKey(), new Outcome<>(null, failure));
                    } catch (RuntimeException bug) {
                        outcomes.put(e.getKey(), new Outcome<>(null, new IOException("reading in " + e.getValue() + " failed", bug)));
                    }
                }
            } finally {
                done.complete(null);
            }
        });
        visitor.start();
        try {
            done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the visitor ends on its own; what it has not done yet is reported as timed out
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        Map<K, Outcome<T>> ordered = new LinkedHashMap<>();
        for (K key : pins.keySet()) {
            Outcome<T> o = outcomes.get(key);
            ordered.put(key, o != null ? o : new Outcome<>(null, new IOException("timed out after " + timeout
                    + " before reading in " + pins.get(key))));
        }
        return ordered;
    }
}
