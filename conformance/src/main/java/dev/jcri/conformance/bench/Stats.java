package dev.jcri.conformance.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Percentiles (linear interpolation between closest ranks, as numpy's default) and medians. */
public final class Stats {

    private Stats() {}

    /** The {@code p}-th percentile (0..100) of {@code values}; NaN when there are none. */
    public static double percentile(Collection<Double> values, double p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double rank = p / 100.0 * (sorted.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (rank - lo);
    }

    public static double median(Collection<Double> values) {
        return percentile(values, 50);
    }
}
