package dev.jcri.image.pull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Pull metrics: {@code jcri_image_pulls_total{outcome}}, {@code jcri_image_pull_failures_total{reason}},
 * {@code jcri_image_pull_bytes_total} (bytes downloaded) and {@code jcri_image_pull_duration_seconds}.
 */
final class PullMetrics {

    private final MeterRegistry registry;
    private final Counter bytes;
    private final Timer duration;

    PullMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytes = Counter.builder("jcri.image.pull.bytes").description("Bytes downloaded from registries")
                .baseUnit("bytes").register(registry);
        this.duration = Timer.builder("jcri.image.pull.duration").description("Time of successful pulls")
                .register(registry);
    }

    void downloaded(long n) {
        bytes.increment((double) n); // exact up to 2^53 bytes
    }

    void succeeded(Duration took) {
        Counter.builder("jcri.image.pulls").tag("outcome", "success").description("Image pulls").register(registry).increment();
        duration.record(took);
    }

    void failed(String reason) {
        Counter.builder("jcri.image.pulls").tag("outcome", "failure").description("Image pulls").register(registry).increment();
        Counter.builder("jcri.image.pull.failures").tag("reason", reason).description("Failed image pulls by reason")
                .register(registry).increment();
    }
}
