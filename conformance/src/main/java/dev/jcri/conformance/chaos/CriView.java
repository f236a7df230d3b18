package dev.jcri.conformance.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Json;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/**
 * What the daemon says exists: its pod and container lists, and for each object its verbose
 * status (the netns pin, /dev/shm and IPs of a pod; the state, exit, pid and rootfs of a
 * container), plus how long List and Status took to answer.
 *
 * @param listMillis time for ListPodSandbox, ListContainers and Status together (-1 if they failed)
 * @param problems   calls that failed or answers that make no sense (each a wrong state)
 */
record CriView(List<PodView> pods, List<ContainerView> containers, long listMillis, List<String> problems) {

    /** Longest wait for List and Status: beyond it they count as failed. */
    private static final long LIST_LIMIT_MILLIS = 5000;

    /** A listed pod; netns and shm are the paths verbose status gives ("" when it has none). */
    record PodView(String id, String name, Api.PodSandboxState state, String netns, String shm, List<String> ips) {}

    /** A listed container; pid from verbose status, rootfs from its OCI spec there. */
    record ContainerView(String id, String podId, String name, Api.ContainerState state, int exitCode, String reason,
            long pid, String rootfs) {}

    Optional<PodView> pod(String id) {
        return pods.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    Optional<ContainerView> container(String id) {
        return containers.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    /** Asks the daemon; List and Status must answer within {@link #LIST_LIMIT_MILLIS}. */
    static CriView read(CriClient cri) {
        List<String> problems = new ArrayList<>();
        RuntimeServiceGrpc.RuntimeServiceBlockingStub quick = cri.runtime().withDeadlineAfter(LIST_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        List<Api.PodSandbox> listedPods;
        List<Api.Container> listedContainers;
        try {
            listedPods = quick.listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsList();
            listedContainers = quick.listContainers(Api.ListContainersRequest.getDefaultInstance()).getContainersList();
            Api.StatusResponse status = quick.status(Api.StatusRequest.getDefaultInstance());
            for (Api.RuntimeCondition c : status.getStatus().getConditionsList()) {
                if (!c.getStatus()) {
                    problems.add("Status: condition " + c.getType() + " is false (" + c.getReason() + ": " + c.getMessage() + ")");
                }
            }
        } catch (StatusRuntimeException e) {
            problems.add("List/Status failed after the restart: " + e.getStatus());
            return new CriView(List.of(), List.of(), -1, problems);
        }
        long listMillis = (System.nanoTime() - start) / 1_000_000;
        List<PodView> pods = new ArrayList<>();
        for (Api.PodSandbox p : listedPods) {
            try {
                Api.PodSandboxStatusResponse r = cri.runtime().podSandboxStatus(Api.PodSandboxStatusRequest.newBuilder()
                        .setPodSandboxId(p.getId()).setVerbose(true).build());
                JsonNode info = info(r.getInfoMap().get("info"));
                List<String> ips = new ArrayList<>();
                info.path("ips").forEach(ip -> ips.add(ip.asText()));
                pods.add(new PodView(p.getId(), p.getMetadata().getName(), r.getStatus().getState(),
                        info.path("netNamespacePath").asText(""), info.path("shmPath").asText(""), ips));
            } catch (StatusRuntimeException e) {
                problems.add("PodSandboxStatus of listed pod " + p.getMetadata().getName() + " " + Ledger.shortId(p.getId())
                        + " failed: " + e.getStatus());
            }
        }
        List<ContainerView> containers = new ArrayList<>();
        for (Api.Container c : listedContainers) {
            try {
                Api.ContainerStatusResponse r = cri.runtime().containerStatus(Api.ContainerStatusRequest.newBuilder()
                        .setContainerId(c.getId()).setVerbose(true).build());
                JsonNode info = info(r.getInfoMap().get("info"));
                Api.ContainerStatus s = r.getStatus();
                containers.add(new ContainerView(c.getId(), c.getPodSandboxId(), c.getMetadata().getName(), s.getState(),
                        s.getExitCode(), s.getReason(), info.path("pid").asLong(0),
                        info.path("runtimeSpec").path("root").path("path").asText("")));
            } catch (StatusRuntimeException e) {
                problems.add("ContainerStatus of listed container " + c.getMetadata().getName() + " " + Ledger.shortId(c.getId())
                        + " failed: " + e.getStatus());
            }
        }
        return new CriView(pods, containers, listMillis, problems);
    }

    private static JsonNode info(String json) {
        if (json == null) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
