package dev.jcri.server.rpc;

import dev.jcri.sandbox.container.ContainerEvents;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.server.grpc.ServiceBinder;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/**
 * GetContainerEvents: a server stream per subscriber (kubelet's evented PLEG) of the containers'
 * state changes, each with the pod's status and its containers' statuses at that moment, built
 * once per event whatever the number of subscribers.
 *
 * <p>A slow subscriber never holds the runtime back: each has a bounded queue, drained as its
 * transport is ready; when the queue overflows, its stream ends with RESOURCE_EXHAUSTED (kubelet
 * then relists and subscribes again).
 */
public final class EventRpcs {

    /** Events one subscriber may have pending before it is dropped. */
    static final int QUEUE_LIMIT = 4096;

    private final ContainerManager containers;
    private final PodSandboxManager pods;
    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final Counter dropped;
    private final java.util.concurrent.atomic.AtomicBoolean listening = new java.util.concurrent.atomic.AtomicBoolean();

    public EventRpcs(ContainerManager containers, PodSandboxManager pods, MeterRegistry metrics) {
        this.containers = containers;
        this.pods = pods;
        this.dropped = Counter.builder("jcri_event_subscribers_dropped_total")
                .description("GetContainerEvents streams ended because the subscriber did not keep up").register(metrics);
        metrics.gauge("jcri_event_subscribers", subscribers, Set::size);
    }

    public void register(ServiceBinder runtime) {
        runtime.custom(RuntimeServiceGrpc.getGetContainerEventsMethod(), ServerCalls.asyncServerStreamingCall(this::subscribe));
    }

    private void subscribe(Api.GetEventsRequest request, StreamObserver<Api.ContainerEventResponse> responses) {
        ServerCallStreamObserver<Api.ContainerEventResponse> stream = (ServerCallStreamObserver<Api.ContainerEventResponse>) responses;
        Subscriber s = new Subscriber(stream);
        stream.setOnCancelHandler(() -> subscribers.remove(s));
        stream.setOnReadyHandler(s::drain);
        subscribers.add(s);
        if (listening.compareAndSet(false, true)) {
            // only now: the events held since start (exits found by recovery) go to this first subscriber
            containers.events().subscribe(this::publish);
        }
    }

    /** Called on the thread that changed the container (under its lock): builds the message and queues it. */
    private void publish(ContainerEvents.Event event) {
        if (subscribers.isEmpty()) {
            return;
        }
        Api.ContainerEventResponse message = message(event);
        subscribers.removeIf(s -> {
            boolean behind = !s.offer(message);
            if (behind) {
                dropped.increment();
            }
            return behind;
        });
    }

    private Api.ContainerEventResponse message(ContainerEvents.Event event) {
        ContainerRecord c = event.container();
        Api.ContainerEventResponse.Builder m = Api.ContainerEventResponse.newBuilder()
                .setContainerId(c.id())
                .setContainerEventType(switch (event.type()) {
                    case CREATED -> Api.ContainerEventType.CONTAINER_CREATED_EVENT;
                    case STARTED -> Api.ContainerEventType.CONTAINER_STARTED_EVENT;
                    case STOPPED -> Api.ContainerEventType.CONTAINER_STOPPED_EVENT;
                    case DELETED -> Api.ContainerEventType.CONTAINER_DELETED_EVENT;
                })
                .setCreatedAt(event.atNanos());
        try {
            pods.findIfExists(c.podId()).ifPresent(pod -> m.setPodSandboxStatus(CriStatuses.pod(pod)));
        } catch (Exception e) {
            // a full pod ID never is ambiguous; the event goes out without the pod's status
        }
        for (ContainerRecord other : containers.list()) {
            if (other.podId().equals(c.podId()) && !other.id().equals(c.id())) {
                m.addContainersStatuses(CriStatuses.container(other));
            }
        }
        if (event.type() != ContainerEvents.Type.DELETED) {
            m.addContainersStatuses(CriStatuses.container(c));
        }
        return m.build();
    }

    /** One GetContainerEvents stream: a bounded queue, drained only while the transport takes more. */
    private static final class Subscriber {
        private final ServerCallStreamObserver<Api.ContainerEventResponse> stream;
        private final Queue<Api.ContainerEventResponse> queue = new ArrayDeque<>();
        private boolean ended;

        Subscriber(ServerCallStreamObserver<Api.ContainerEventResponse> stream) {
            this.stream = stream;
        }

        /** Queues and drains; false (and the stream ended) when the subscriber fell too far behind. */
        synchronized boolean offer(Api.ContainerEventResponse message) {
            if (ended) {
                return false;
            }
            if (queue.size() >= QUEUE_LIMIT) {
                ended = true;
                queue.clear();
                try {
                    stream.onError(Status.RESOURCE_EXHAUSTED.withDescription("the subscriber fell " + QUEUE_LIMIT
                            + " events behind; list again and subscribe anew").asRuntimeException());
                } catch (RuntimeException cancelled) {
                    // the client went away meanwhile
                }
                return false;
            }
            queue.add(message);
            drain();
            return true;
        }

        synchronized void drain() {
            try {
                while (!ended && stream.isReady() && !stream.isCancelled() && !queue.isEmpty()) {
                    stream.onNext(queue.poll());
                }
            } catch (RuntimeException cancelled) {
                ended = true; // the call was cancelled between the check and the send
            }
        }
    }
}
