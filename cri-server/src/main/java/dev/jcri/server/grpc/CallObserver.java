package dev.jcri.server.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cross-cutting view of every CRI call, kept out of the handlers: a debug log line with the
 * method, status and latency, and a timer per method and status code
 * ({@code jcri_cri_requests_seconds{method,code}} in Prometheus). Failures other than the
 * expected NOT_FOUND/UNIMPLEMENTED are logged at info so an operator sees them without debug.
 */
public final class CallObserver implements ServerInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger("dev.jcri.cri");

    private final MeterRegistry registry;
    /**
     * Per method (by its full name, a field of its descriptor: no name is built per call), its
     * bare name and its timers by status code.
     */
    private final Map<String, Method> methods = new ConcurrentHashMap<>();

    private record Method(String name, AtomicReferenceArray<Timer> timers) {}

    public CallObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        long start = System.nanoTime();
        Method method = method(call.getMethodDescriptor());
        ServerCall<Q, R> observed = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                long nanos = System.nanoTime() - start;
                record(method, status, nanos);
                super.close(status, trailers);
            }
        };
        return next.startCall(observed, headers);
    }

    private Method method(MethodDescriptor<?, ?> descriptor) {
        Method known = methods.get(descriptor.getFullMethodName()); // computeIfAbsent would lock a bin even when present
        return known != null ? known : methods.computeIfAbsent(descriptor.getFullMethodName(), name -> new Method(
                MethodDescriptor.extractBareMethodName(name), new AtomicReferenceArray<>(Status.Code.values().length)));
    }

    /**
     * The timer of a method and status code, built once: building one (tags, id, a registry
     * look-up) costs more than some calls it times.
     */
    private Timer timer(Method method, Status.Code code) {
        AtomicReferenceArray<Timer> byCode = method.timers();
        Timer timer = byCode.get(code.value());
        if (timer == null) { // a race registers the same timer twice: the registry returns the one it has
            timer = Timer.builder("jcri.cri.requests")
                    .description("CRI calls by method and gRPC status code")
                    .tag("method", method.name())
                    .tag("code", code.name())
                    // buckets let Prometheus compute p95/p99 across calls; bounded so a method costs ~20 series
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry);
            byCode.set(code.value(), timer);
        }
        return timer;
    }

    private void record(Method method, Status status, long nanos) {
        timer(method, status.getCode()).record(nanos, TimeUnit.NANOSECONDS);
        boolean expected = switch (status.getCode()) {
            case OK, NOT_FOUND, UNIMPLEMENTED, CANCELLED -> true;
            default -> false;
        };
        if (!expected && LOG.isInfoEnabled()) {
            LOG.info("{} -> {} {} ({} ms)", method.name(), status.getCode(), status.getDescription(), nanos / 1_000_000);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("{} -> {}{} ({} us)", method.name(), status.getCode(),
                    status.getDescription() == null ? "" : " " + status.getDescription(), nanos / 1_000);
        }
    }
}
