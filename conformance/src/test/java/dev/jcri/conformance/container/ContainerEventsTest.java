package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.Deadline;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/** GetContainerEvents through the CRI: order, content, several subscribers, one that never reads. */
class ContainerEventsTest extends InOnePodTest {

    /** Collects one GetContainerEvents stream. */
    private final class Subscription implements StreamObserver<Api.ContainerEventResponse> {
        final LinkedBlockingQueue<Api.ContainerEventResponse> events = new LinkedBlockingQueue<>();

        Subscription() {
            RuntimeServiceGrpc.newStub(cri.channel()).getContainerEvents(Api.GetEventsRequest.getDefaultInstance(), this);
        }

        @Override
        public void onNext(Api.ContainerEventResponse value) {
            events.add(value);
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onCompleted() {
        }

        /** The events of one container, once {@code count} of them arrived. */
        List<Api.ContainerEventResponse> of(String id, int count) {
            return Deadline.await(count + " events of " + id, Duration.ofSeconds(30), () -> {
                List<Api.ContainerEventResponse> mine = events.stream().filter(e -> e.getContainerId().equals(id)).toList();
                return mine.size() >= count ? mine : null;
            });
        }
    }

    @Test
    void everySubscriberSeesCreatedStartedStoppedDeletedInOrderWithThePodsStatuses() throws Exception {
        Subscription first = new Subscription();
        Subscription second = new Subscription();
        // the streams are open once an event of a container made for that purpose arrives on both
        String probe = Containers.create(cri, podId, pod, Containers.config("probe", image, "true").build());
        first.of(probe, 1);
        second.of(probe, 1);

        String id = Containers.run(cri, podId, pod, Containers.config("evented", image, "sh", "-c", "exit 7").build());
        Containers.awaitExit(cri, id, Duration.ofSeconds(30));
        Containers.remove(cri, id);

        for (Subscription s : List.of(first, second)) {
            List<Api.ContainerEventResponse> events = s.of(id, 4);
            assertEquals(List.of(Api.ContainerEventType.CONTAINER_CREATED_EVENT, Api.ContainerEventType.CONTAINER_STARTED_EVENT,
                    Api.ContainerEventType.CONTAINER_STOPPED_EVENT, Api.ContainerEventType.CONTAINER_DELETED_EVENT),
                    events.stream().map(Api.ContainerEventResponse::getContainerEventType).toList());
            for (int i = 1; i < events.size(); i++) {
                assertTrue(events.get(i).getCreatedAt() >= events.get(i - 1).getCreatedAt(), "event times go forward");
            }
            Api.ContainerEventResponse stopped = events.get(2);
            assertEquals(podId, stopped.getPodSandboxStatus().getId());
            assertEquals(Api.PodSandboxState.SANDBOX_READY, stopped.getPodSandboxStatus().getState());
            Api.ContainerStatus self = stopped.getContainersStatusesList().stream().filter(c -> c.getId().equals(id))
                    .findFirst().orElseThrow();
            assertEquals(Api.ContainerState.CONTAINER_EXITED, self.getState());
            assertEquals(7, self.getExitCode());
            assertTrue(stopped.getContainersStatusesList().stream().anyMatch(c -> c.getId().equals(probe)),
                    "the pod's other containers are in the event");
            assertFalse(events.get(3).getContainersStatusesList().stream().anyMatch(c -> c.getId().equals(id)),
                    "a deleted container is not among the pod's containers");
        }
    }

    @Test
    void aSubscriberThatNeverReadsDoesNotHoldTheRuntimeBack() throws Exception {
        ClientCall<Api.GetEventsRequest, Api.ContainerEventResponse> stalled = cri.channel()
                .newCall(RuntimeServiceGrpc.getGetContainerEventsMethod(), CallOptions.DEFAULT);
        stalled.start(new ClientCall.Listener<>() {}, new Metadata()); // never request(): nothing is ever read
        stalled.sendMessage(Api.GetEventsRequest.getDefaultInstance());
        stalled.halfClose();
        Subscription reading = new Subscription();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String id = Containers.run(cri, podId, pod, Containers.config("busy-" + i, image, "true").build());
                Containers.awaitExit(cri, id, Duration.ofSeconds(30));
                Containers.remove(cri, id);
                ids.add(id);
            }
            for (String id : ids) {
                assertEquals(4, reading.of(id, 4).size(), "a reading subscriber still gets every event");
            }
        } finally {
            stalled.cancel("test over", null);
        }
    }
}
