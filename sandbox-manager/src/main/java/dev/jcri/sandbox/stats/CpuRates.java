package dev.jcri.sandbox.stats;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU use as a rate ({@code usage_nano_cores}: CPU nanoseconds per wall second, 1e9 = one busy
 * core) from the cumulative counter, by comparing a reading with an earlier one of the same
 * object kept in memory.
 *
 * <p>The window: a reading is compared with the most recent kept sample that is at least
 * {@link #MIN_WINDOW} old, so two callers a few milliseconds apart (kubelet and a crictl) do not
 * turn into a rate over a few milliseconds of noise. Two samples per object are kept: the newest,
 * and the one before it, which serves while the newest is still too young. Elapsed time comes from
 * the monotonic clock (a wall clock step would make rates negative or huge).
 *
 * <p>No rate is better than a made-up one: the first reading of an object, a counter that went
 * backwards (its cgroup was recreated) or an unknown counter give {@link #UNKNOWN}.
 *
 * <p>Bounded: {@link #retainOnly} drops objects that are gone (the list calls pass every live
 * ID), and past {@link #MAX_OBJECTS} a new object gets no sample (so no rate) until pruning makes
 * room.
 */
public final class CpuRates {

    public static final long UNKNOWN = -1;
    static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    static final int MAX_OBJECTS = 20_000;

    record Sample(long monotonicNanos, long usageNanos) {}

    private record Samples(Sample newest, Sample older) {}

    private final Map<String, Samples> samples = new ConcurrentHashMap<>();

    /**
     * The rate of {@code id} from the kept samples to this reading, and keeps this reading.
     *
     * @param monotonicNanos {@link System#nanoTime()} at the reading
     * @param usageNanos     the cumulative CPU time read, or a negative value when unknown
     */
    public long nanoCores(String id, long monotonicNanos, long usageNanos) {
        if (usageNanos < 0) {
            return UNKNOWN;
        }
        Sample now = new Sample(monotonicNanos, usageNanos);
        long[] rate = {UNKNOWN};
        if (!samples.containsKey(id) && samples.size() >= MAX_OBJECTS) {
            return UNKNOWN;
        }
        samples.compute(id, (key, kept) -> {
            if (kept == null) {
                return new Samples(now, null);
            }
            boolean newestOldEnough = monotonicNanos - kept.newest().monotonicNanos() >= MIN_WINDOW.toNanos();
            Sample base = newestOldEnough || kept.older() == null ? kept.newest() : kept.older();
            rate[0] = rate(base, now);
            if (usageNanos < kept.newest().usageNanos()) {
                return new Samples(now, null); // a new cgroup under the same ID: start over
            }
            return newestOldEnough ? new Samples(now, kept.newest()) : kept;
        });
        return rate[0];
    }

    static long rate(Sample base, Sample now) {
        long elapsed = now.monotonicNanos() - base.monotonicNanos();
        long used = now.usageNanos() - base.usageNanos();
        if (elapsed <= 0 || used < 0) {
            return UNKNOWN;
        }
        return (long) (used * 1e9 / elapsed);
    }

    /** Forgets every object not in {@code live}. */
    public void retainOnly(Set<String> live) {
        samples.keySet().retainAll(live);
    }

    int size() {
        return samples.size();
    }
}
