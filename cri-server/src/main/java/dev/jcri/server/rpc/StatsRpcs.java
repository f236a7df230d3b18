package dev.jcri.server.rpc;

import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.sandbox.container.ContainerState;
import dev.jcri.sandbox.container.ContainerUsage;
import dev.jcri.server.grpc.ServiceBinder;
import io.grpc.Status;
import java.io.IOException;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/** ContainerStats and ListContainerStats: CPU and memory from the cgroup, the writable layer's usage. */
public final class StatsRpcs {

    private final ContainerManager containers;

    public StatsRpcs(ContainerManager containers) {
        this.containers = containers;
    }

    public void register(ServiceBinder runtime) {
        runtime.unary(RuntimeServiceGrpc.getContainerStatsMethod(), this::containerStats)
                .unary(RuntimeServiceGrpc.getListContainerStatsMethod(), this::listContainerStats);
    }

    Api.ContainerStatsResponse containerStats(Api.ContainerStatsRequest request) throws Exception {
        if (request.getContainerId().isEmpty()) {
            throw Status.INVALID_ARGUMENT.withDescription("container_id is required").asRuntimeException();
        }
        ContainerRecord record;
        record = containers.find(request.getContainerId());
        return Api.ContainerStatsResponse.newBuilder().setStats(stats(record)).build();
    }

    /** Stats of created and running containers (exited ones have no cgroup left to read), filtered. */
    Api.ListContainerStatsResponse listContainerStats(Api.ListContainerStatsRequest request) throws IOException {
        Api.ContainerStatsFilter filter = request.getFilter();
        Api.ListContainerStatsResponse.Builder response = Api.ListContainerStatsResponse.newBuilder();
        for (ContainerRecord record : containers.list()) {
            if (record.state() == ContainerState.EXITED
                    || (!filter.getId().isEmpty() && !record.id().startsWith(filter.getId()))
                    || (!filter.getPodSandboxId().isEmpty() && !record.podId().startsWith(filter.getPodSandboxId()))
                    || !PodSandboxRpcs.matches(filter.getLabelSelectorMap(), ContainerManager.config(record).getLabelsMap())) {
                continue;
            }
            try {
                response.addStats(stats(record));
            } catch (IOException e) {
                // removed while we listed: leave it out, as a list taken a moment later would
            }
        }
        return response.build();
    }

    private Api.ContainerStats stats(ContainerRecord record) throws IOException {
        Api.ContainerConfig config = ContainerManager.config(record);
        ContainerUsage u = containers.usage(record);
        Api.ContainerStats.Builder stats = Api.ContainerStats.newBuilder()
                .setAttributes(Api.ContainerAttributes.newBuilder().setId(record.id()).setMetadata(config.getMetadata())
                        .putAllLabels(config.getLabelsMap()).putAllAnnotations(config.getAnnotationsMap()));
        stats.setCpu(cpu(u.cgroup().cpu(), u.timestampNanos())).setMemory(memory(u.cgroup().memory(), u.timestampNanos()));
        if (u.writableBytes() >= 0) {
            stats.setWritableLayer(Api.FilesystemUsage.newBuilder().setTimestamp(u.timestampNanos())
                    .setFsId(Api.FilesystemIdentifier.newBuilder().setMountpoint(containers.writableLayerMountpoint().toString()))
                    .setUsedBytes(value(u.writableBytes())).setInodesUsed(value(u.writableInodes())));
        }
        return stats.build();
    }

    /** CPU usage as CRI reports it; counters the cgroup did not give are left unset. */
    static Api.CpuUsage.Builder cpu(CgroupStats.Cpu c, long timestampNanos) {
        Api.CpuUsage.Builder cpu = Api.CpuUsage.newBuilder().setTimestamp(timestampNanos);
        if (c != null && c.usageNanos() >= 0) {
            cpu.setUsageCoreNanoSeconds(value(c.usageNanos()));
        }
        return cpu;
    }

    /** Memory usage as CRI reports it (kubelet's working set); counters the cgroup did not give are left unset. */
    static Api.MemoryUsage.Builder memory(CgroupStats.Memory m, long timestampNanos) {
        Api.MemoryUsage.Builder memory = Api.MemoryUsage.newBuilder().setTimestamp(timestampNanos);
        if (m == null) {
            return memory;
        }
        if (m.workingSetBytes() >= 0) {
            memory.setWorkingSetBytes(value(m.workingSetBytes())).setUsageBytes(value(m.usageBytes()));
        }
        if (m.rssBytes() >= 0) {
            memory.setRssBytes(value(m.rssBytes()));
        }
        if (m.pageFaults() >= 0) {
            memory.setPageFaults(value(m.pageFaults())).setMajorPageFaults(value(Math.max(0, m.majorPageFaults())));
        }
        return memory;
    }

    private static Api.UInt64Value value(long v) {
        return Api.UInt64Value.newBuilder().setValue(v).build();
    }
}
