package dev.jcri.conformance.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Latencies of one scenario run, in milliseconds, by operation name; safe to fill from many threads. */
public final class Samples {

    private final Map<String, List<Double>> byOp = new ConcurrentHashMap<>();

    /** Runs {@code call}, records how long it took under {@code op}, returns its result. */
    public <T> T time(String op, Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        add(op, (System.nanoTime() - start) / 1e6);
        return result;
    }

    public void add(String op, double millis) {
        List<Double> list = byOp.computeIfAbsent(op, k -> new ArrayList<>());
        synchronized (list) {
            list.add(millis);
        }
    }

    public List<Double> get(String op) {
        List<Double> list = byOp.getOrDefault(op, List.of());
        synchronized (list) {
            return List.copyOf(list);
        }
    }
}
