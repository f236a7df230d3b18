package dev.jcri.server.streaming;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streaming server's metrics: sessions open now and started (per kind and protocol), their
 * durations, bytes each way, and rejected connections (unknown, used or expired tokens; failed
 * negotiations).
 */
final class StreamMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Counter bytesToClient;
    private final Counter bytesFromClient;

    StreamMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.bytesToClient = Counter.builder("jcri.streaming.bytes").tag("direction", "to_client")
                .description("Bytes sent to streaming clients (output, forwarded data)").register(registry);
        this.bytesFromClient = Counter.builder("jcri.streaming.bytes").tag("direction", "from_client")
                .description("Bytes received from streaming clients (stdin, forwarded data)").register(registry);
        for (String kind : new String[] {"exec", "attach", "portforward"}) {
            openGauge(kind);
        }
    }

    private AtomicInteger openGauge(String kind) {
        return open.computeIfAbsent(kind, k -> registry.gauge("jcri.streaming.sessions.open",
                io.micrometer.core.instrument.Tags.of("kind", k), new AtomicInteger()));
    }

    void sessionStarted(String kind, String protocol) {
        Counter.builder("jcri.streaming.sessions").tag("kind", kind).tag("protocol", protocol.isEmpty() ? "none" : protocol)
                .description("Streaming sessions started").register(registry).increment();
        openGauge(kind).incrementAndGet();
    }

    void sessionEnded(String kind, long nanos) {
        openGauge(kind).decrementAndGet();
        Timer.builder("jcri.streaming.session.duration").tag("kind", kind).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void rejected(String reason) {
        Counter.builder("jcri.streaming.rejected").tag("reason", reason)
                .description("Streaming connections refused").register(registry).increment();
    }

    void sent(int bytes) {
        bytesToClient.increment(bytes);
    }

    void received(int bytes) {
        bytesFromClient.increment(bytes);
    }
}
