package dev.jcri.server.rpc;

import dev.jcri.json.Json;
import dev.jcri.sandbox.pod.PodPaths;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.server.grpc.PagedList;
import dev.jcri.server.grpc.ServiceBinder;
import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/** RunPodSandbox, StopPodSandbox, RemovePodSandbox, PodSandboxStatus, ListPodSandbox, UpdatePodSandboxResources. */
public final class PodSandboxRpcs {

    private final PodSandboxManager pods;
    private final RecordMessages<PodRecord, Api.PodSandbox> listed = new RecordMessages<>(PodRecord::id, PodSandboxRpcs::listEntry);
    private final RecordMessages<PodRecord, Api.PodSandboxStatus> statuses =
            new RecordMessages<>(PodRecord::id, r -> CriStatuses.pod(r).build());

    public PodSandboxRpcs(PodSandboxManager pods) {
        this.pods = pods;
    }

    public void register(ServiceBinder runtime) {
        runtime.unary(RuntimeServiceGrpc.getRunPodSandboxMethod(), this::run)
                .unary(RuntimeServiceGrpc.getStopPodSandboxMethod(), this::stop)
                .unary(RuntimeServiceGrpc.getRemovePodSandboxMethod(), this::remove)
                .inMemory(RuntimeServiceGrpc.getPodSandboxStatusMethod(), this::status)
                .inMemory(RuntimeServiceGrpc.getListPodSandboxMethod(), this::list)
                .custom(RuntimeServiceGrpc.getStreamPodSandboxesMethod(), PagedList.handler(
                        RuntimeServiceGrpc.getStreamPodSandboxesMethod(),
                        r -> list(Api.ListPodSandboxRequest.newBuilder().setFilter(r.getFilter()).build()).getItemsList(),
                        page -> Api.StreamPodSandboxesResponse.newBuilder().addAllPodSandboxes(page).build()))
                .unary(RuntimeServiceGrpc.getUpdatePodSandboxResourcesMethod(), this::updateResources);
    }

    Api.RunPodSandboxResponse run(Api.RunPodSandboxRequest request) throws Exception {
        if (!request.hasConfig()) {
            throw Status.INVALID_ARGUMENT.withDescription("RunPodSandbox needs a config").asRuntimeException();
        }
        String id = pods.run(request.getConfig(), request.getRuntimeHandler());
        return Api.RunPodSandboxResponse.newBuilder().setPodSandboxId(id).build();
    }

    Api.StopPodSandboxResponse stop(Api.StopPodSandboxRequest request) throws Exception {
        pods.stop(requireId(request.getPodSandboxId()));
        return Api.StopPodSandboxResponse.getDefaultInstance();
    }

    Api.RemovePodSandboxResponse remove(Api.RemovePodSandboxRequest request) throws Exception {
        pods.remove(requireId(request.getPodSandboxId()));
        listed.forget(request.getPodSandboxId());
        statuses.forget(request.getPodSandboxId());
        return Api.RemovePodSandboxResponse.getDefaultInstance();
    }

    Api.UpdatePodSandboxResourcesResponse updateResources(Api.UpdatePodSandboxResourcesRequest request) throws Exception {
        pods.updateResources(requireId(request.getPodSandboxId()), request.getOverhead(), request.getResources());
        return Api.UpdatePodSandboxResourcesResponse.getDefaultInstance();
    }

    Api.PodSandboxStatusResponse status(Api.PodSandboxStatusRequest request) throws Exception {
        PodRecord record = pods.find(requireId(request.getPodSandboxId()));
        Api.PodSandboxStatusResponse.Builder response = Api.PodSandboxStatusResponse.newBuilder()
                .setStatus(statuses.of(record));
        if (request.getVerbose()) {
            response.putInfo("info", Json.writer().writeValueAsString(verboseInfo(record)));
        }
        return response.build();
    }

    private Map<String, Object> verboseInfo(PodRecord record) {
        PodPaths paths = pods.paths(record.id());
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", record.id());
        info.put("state", record.state().name());
        info.put("runtimeHandler", record.runtimeHandler());
        info.put("namespacesOwned", record.sharedNamespaces());
        if (record.sharedNamespaces().contains("net")) {
            info.put("netNamespacePath", paths.namespacePin("net").toString());
        }
        info.put("hostnamePath", paths.hostname().toString());
        info.put("hostsPath", paths.hosts().toString());
        info.put("resolvPath", paths.resolvConf().toString());
        if (record.sharedNamespaces().contains("ipc")) {
            info.put("shmPath", paths.shm().toString());
        }
        info.put("cgroupsCreated", pods.cgroupsHeld(record.id()));
        info.put("ips", record.ips());
        return info;
    }

    Api.ListPodSandboxResponse list(Api.ListPodSandboxRequest request) {
        Api.PodSandboxFilter filter = request.getFilter();
        Api.ListPodSandboxResponse.Builder response = Api.ListPodSandboxResponse.newBuilder();
        List<PodRecord> records = pods.list();
        listed.retain(records);
        statuses.retain(records);
        for (PodRecord record : records) {
            if (record.state() == PodState.CREATING) {
                continue; // not a sandbox yet: kubelet must not act on a half-made one
            }
            if (!filter.getId().isEmpty() && !record.id().startsWith(filter.getId())) {
                continue;
            }
            if (filter.hasState() && filter.getState().getState() != CriStatuses.state(record.state())) {
                continue;
            }
            Api.PodSandbox pod = listed.of(record);
            if (!matches(filter.getLabelSelectorMap(), pod.getLabelsMap())) {
                continue;
            }
            response.addItems(pod);
        }
        return response.build();
    }

    /** A pod as ListPodSandbox shows it (built once per version of its record). */
    private static Api.PodSandbox listEntry(PodRecord record) {
        Api.PodSandboxConfig config = PodSandboxManager.config(record);
        return Api.PodSandbox.newBuilder()
                .setId(record.id())
                .setMetadata(config.getMetadata())
                .setState(CriStatuses.state(record.state()))
                .setCreatedAt(record.createdAtNanos())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .setRuntimeHandler(record.runtimeHandler())
                .build();
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        for (var e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static String requireId(String id) {
        if (id.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("pod_sandbox_id is required").asRuntimeException();
        }
        return id;
    }

}
