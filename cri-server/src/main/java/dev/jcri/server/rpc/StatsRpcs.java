package dev.jcri.server.rpc;

import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.stats.PodReading;
import dev.jcri.sandbox.stats.StatsCollector;
import dev.jcri.server.grpc.PagedList;
import dev.jcri.server.grpc.ServiceBinder;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/**
 * The stats and metrics calls: ContainerStats, PodSandboxStats, their List and Stream forms,
 * ListMetricDescriptors and ListPodSandboxMetrics (+ Stream). Readings come from
 * {@link StatsCollector}; here only filtering and the CRI's messages. The list calls tell the
 * collector which objects are alive, so its CPU samples of removed ones are forgotten.
 */
public final class StatsRpcs {

    private final ContainerManager containers;
    private final PodSandboxManager pods;
    private final StatsCollector collector;

    public StatsRpcs(ContainerManager containers, PodSandboxManager pods, StatsCollector collector) {
        this.containers = containers;
        this.pods = pods;
        this.collector = collector;
    }

    public void register(ServiceBinder runtime) {
        runtime.unary(RuntimeServiceGrpc.getContainerStatsMethod(), this::containerStats)
                .unary(RuntimeServiceGrpc.getListContainerStatsMethod(),
                        r -> Api.ListContainerStatsResponse.newBuilder().addAllStats(listContainerStats(r.getFilter())).build())
                .custom(RuntimeServiceGrpc.getStreamContainerStatsMethod(), PagedList.handler(
                        RuntimeServiceGrpc.getStreamContainerStatsMethod(), r -> listContainerStats(r.getFilter()),
                        page -> Api.StreamContainerStatsResponse.newBuilder().addAllContainerStats(page).build()))
                .unary(RuntimeServiceGrpc.getPodSandboxStatsMethod(), this::podSandboxStats)
                .unary(RuntimeServiceGrpc.getListPodSandboxStatsMethod(),
                        r -> Api.ListPodSandboxStatsResponse.newBuilder().addAllStats(listPodSandboxStats(r.getFilter())).build())
                .custom(RuntimeServiceGrpc.getStreamPodSandboxStatsMethod(), PagedList.handler(
                        RuntimeServiceGrpc.getStreamPodSandboxStatsMethod(), r -> listPodSandboxStats(r.getFilter()),
                        page -> Api.StreamPodSandboxStatsResponse.newBuilder().addAllPodSandboxStats(page).build()))
                .unary(RuntimeServiceGrpc.getListMetricDescriptorsMethod(),
                        r -> Api.ListMetricDescriptorsResponse.newBuilder().addAllDescriptors(CadvisorMetrics.descriptors()).build())
                .unary(RuntimeServiceGrpc.getListPodSandboxMetricsMethod(),
                        r -> Api.ListPodSandboxMetricsResponse.newBuilder().addAllPodMetrics(podSandboxMetrics()).build())
                .custom(RuntimeServiceGrpc.getStreamPodSandboxMetricsMethod(), PagedList.handler(
                        RuntimeServiceGrpc.getStreamPodSandboxMetricsMethod(), r -> podSandboxMetrics(),
                        page -> Api.StreamPodSandboxMetricsResponse.newBuilder().addAllPodSandboxMetrics(page).build()));
    }

    Api.ContainerStatsResponse containerStats(Api.ContainerStatsRequest request) throws Exception {
        ContainerRecord c = containers.find(require(request.getContainerId(), "container_id"));
        PodRecord pod = pods.findIfExists(c.podId()).orElse(null);
        return Api.ContainerStatsResponse.newBuilder()
                .setStats(StatsMessages.container(collector.container(pod, c), collector.writableLayerMountpoint())).build();
    }

    /** Created and running containers (an exited one has no cgroup left), filtered by ID prefix, pod ID prefix and labels. */
    List<Api.ContainerStats> listContainerStats(Api.ContainerStatsFilter filter) {
        List<ContainerRecord> all = containers.list();
        Map<String, PodRecord> podsById = livePods();
        forgetTheGone(podsById.values(), all);
        return all.stream()
                .filter(StatsCollector::hasStats)
                .filter(c -> c.id().startsWith(filter.getId()) && c.podId().startsWith(filter.getPodSandboxId()))
                .filter(c -> PodSandboxRpcs.matches(filter.getLabelSelectorMap(), ContainerManager.config(c).getLabelsMap()))
                .map(c -> StatsMessages.container(collector.container(podsById.get(c.podId()), c),
                        collector.writableLayerMountpoint()))
                .toList();
    }

    /** A pod's stats, stopped or not: what its cgroup still gives, its network while it has one, its containers'. */
    Api.PodSandboxStatsResponse podSandboxStats(Api.PodSandboxStatsRequest request) throws Exception {
        PodRecord pod = pods.find(require(request.getPodSandboxId(), "pod_sandbox_id"));
        PodReading reading = collector.pods(List.of(pod), containers.list()).getFirst();
        return Api.PodSandboxStatsResponse.newBuilder()
                .setStats(StatsMessages.pod(reading, collector.writableLayerMountpoint())).build();
    }

    /** Every sandbox (ready or stopped), filtered by ID prefix and labels. */
    List<Api.PodSandboxStats> listPodSandboxStats(Api.PodSandboxStatsFilter filter) {
        Map<String, PodRecord> all = livePods();
        List<ContainerRecord> allContainers = containers.list();
        forgetTheGone(all.values(), allContainers);
        List<PodRecord> chosen = all.values().stream()
                .filter(p -> p.id().startsWith(filter.getId()))
                .filter(p -> PodSandboxRpcs.matches(filter.getLabelSelectorMap(), PodSandboxManager.config(p).getLabelsMap()))
                .toList();
        return collector.pods(chosen, allContainers).stream()
                .map(r -> StatsMessages.pod(r, collector.writableLayerMountpoint())).toList();
    }

    /** Metrics of the ready pods and their containers. */
    List<Api.PodSandboxMetrics> podSandboxMetrics() {
        Map<String, PodRecord> all = livePods();
        List<ContainerRecord> allContainers = containers.list();
        forgetTheGone(all.values(), allContainers);
        List<PodRecord> ready = all.values().stream().filter(p -> p.state() == PodState.READY).toList();
        return collector.metrics(ready, allContainers).stream()
                .map(r -> CadvisorMetrics.pod(r, collector.writableLayerMountpoint())).toList();
    }

    /** Pods that are sandboxes (not half-made), by ID, in the managers' order. */
    private Map<String, PodRecord> livePods() {
        return pods.list().stream().filter(p -> p.state() != PodState.CREATING)
                .collect(Collectors.toMap(PodRecord::id, Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new));
    }

    private void forgetTheGone(java.util.Collection<PodRecord> livePods, List<ContainerRecord> liveContainers) {
        collector.retainOnly(livePods.stream().map(PodRecord::id).collect(Collectors.toSet()),
                liveContainers.stream().map(ContainerRecord::id).collect(Collectors.toSet()));
    }

    private static String require(String id, String field) {
        if (id.isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription(field + " is required").asRuntimeException();
        }
        return id;
    }
}
