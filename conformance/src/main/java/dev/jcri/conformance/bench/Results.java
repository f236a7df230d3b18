package dev.jcri.conformance.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every measure of a benchmark, in the order first reported: one value per target per repeat;
 * what is reported is the median over the repeats.
 */
public final class Results {

    /** A reported quantity: {@code key} is stable (the JSON's), {@code label} for people. */
    public record Measure(String key, String label, String unit, String group) {}

    private final Map<String, Measure> measures = new LinkedHashMap<>();
    private final Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();

    public synchronized void add(Measure measure, String target, double value) {
        measures.putIfAbsent(measure.key(), measure);
        values.computeIfAbsent(measure.key(), k -> new LinkedHashMap<>())
                .computeIfAbsent(target, k -> new ArrayList<>()).add(value);
    }

    /** Records p50, p95 and p99 of {@code samples} of {@code op} as three measures. */
    public void addPercentiles(String keyPrefix, String labelPrefix, String group, String target, List<Double> samples) {
        if (samples.isEmpty()) {
            return;
        }
        for (int p : new int[] {50, 95, 99}) {
            add(new Measure(keyPrefix + ".p" + p, labelPrefix + " p" + p, "ms", group), target, Stats.percentile(samples, p));
        }
    }

    public synchronized List<Measure> measures() {
        return List.copyOf(measures.values());
    }

    /** Values of every repeat, or an empty list. */
    public synchronized List<Double> repeats(String key, String target) {
        return List.copyOf(values.getOrDefault(key, Map.of()).getOrDefault(target, List.of()));
    }

    /** Median over repeats, NaN when the target has no value for this measure. */
    public double median(String key, String target) {
        return Stats.median(repeats(key, target));
    }
}
