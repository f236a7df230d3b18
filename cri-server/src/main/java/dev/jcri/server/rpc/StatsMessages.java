package dev.jcri.server.rpc;

import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.stats.ContainerReading;
import dev.jcri.sandbox.stats.CpuRates;
import dev.jcri.sandbox.stats.InterfaceCounters;
import dev.jcri.sandbox.stats.NetworkReading;
import dev.jcri.sandbox.stats.PodReading;
import java.nio.file.Path;
import java.util.function.Consumer;
import runtime.v1.Api;

/**
 * Readings as the CRI's stats messages. A counter that could not be read is left unset, never
 * sent as zero: kubelet tells "no data" from "zero" by the field's presence. Every message of one
 * cgroup reading carries that reading's one timestamp.
 */
final class StatsMessages {

    private StatsMessages() {}

    static Api.ContainerStats container(ContainerReading r, Path writableLayerMountpoint) {
        Api.ContainerConfig config = ContainerManager.config(r.container());
        Api.ContainerStats.Builder stats = Api.ContainerStats.newBuilder()
                .setAttributes(Api.ContainerAttributes.newBuilder().setId(r.container().id()).setMetadata(config.getMetadata())
                        .putAllLabels(config.getLabelsMap()).putAllAnnotations(config.getAnnotationsMap()));
        CgroupStats cgroup = r.cgroup();
        usage(cgroup, r.nanoCores(), r.timestampNanos(), stats::setCpu, stats::setMemory, stats::setIo);
        if (cgroup.memory() != null && cgroup.memory().swapUsageBytes() >= 0) {
            stats.setSwap(swap(cgroup.memory(), r.timestampNanos()));
        }
        if (r.writableLayer() != null) {
            stats.setWritableLayer(Api.FilesystemUsage.newBuilder().setTimestamp(r.writableLayer().atEpochNanos())
                    .setFsId(Api.FilesystemIdentifier.newBuilder().setMountpoint(writableLayerMountpoint.toString()))
                    .setUsedBytes(value(r.writableLayer().usage().bytes()))
                    .setInodesUsed(value(r.writableLayer().usage().inodes())));
        }
        return stats.build();
    }

    static Api.PodSandboxStats pod(PodReading r, Path writableLayerMountpoint) {
        Api.PodSandboxConfig config = PodSandboxManager.config(r.pod());
        Api.LinuxPodSandboxStats.Builder linux = Api.LinuxPodSandboxStats.newBuilder();
        CgroupStats cgroup = r.cgroup();
        usage(cgroup, r.nanoCores(), r.timestampNanos(), linux::setCpu, linux::setMemory, linux::setIo);
        if (cgroup.pids() != null && cgroup.pids().current() >= 0) {
            linux.setProcess(Api.ProcessUsage.newBuilder().setTimestamp(r.timestampNanos())
                    .setProcessCount(value(cgroup.pids().current())));
        }
        if (r.network() != null) {
            linux.setNetwork(network(r.network()));
        }
        r.containers().forEach(c -> linux.addContainers(container(c, writableLayerMountpoint)));
        return Api.PodSandboxStats.newBuilder()
                .setAttributes(Api.PodSandboxAttributes.newBuilder().setId(r.pod().id()).setMetadata(config.getMetadata())
                        .putAllLabels(config.getLabelsMap()).putAllAnnotations(config.getAnnotationsMap()))
                .setLinux(linux)
                .build();
    }

    /** What container and pod stats share: CPU, memory and IO pressure, each set only when it was read. */
    private static void usage(CgroupStats cgroup, long nanoCores, long timestampNanos, Consumer<Api.CpuUsage.Builder> cpu,
                              Consumer<Api.MemoryUsage.Builder> memory, Consumer<Api.IoUsage.Builder> io) {
        if (cgroup.cpu() != null) {
            cpu.accept(cpu(cgroup.cpu(), nanoCores, timestampNanos));
        }
        if (cgroup.memory() != null) {
            memory.accept(memory(cgroup.memory(), timestampNanos));
        }
        if (cgroup.io() != null && cgroup.io().pressure() != null) {
            io.accept(Api.IoUsage.newBuilder().setTimestamp(timestampNanos).setPsi(psi(cgroup.io().pressure())));
        }
    }

    static Api.CpuUsage.Builder cpu(CgroupStats.Cpu c, long nanoCores, long timestampNanos) {
        Api.CpuUsage.Builder cpu = Api.CpuUsage.newBuilder().setTimestamp(timestampNanos);
        if (c.usageNanos() >= 0) {
            cpu.setUsageCoreNanoSeconds(value(c.usageNanos()));
        }
        if (nanoCores != CpuRates.UNKNOWN) {
            cpu.setUsageNanoCores(value(nanoCores));
        }
        if (c.pressure() != null) {
            cpu.setPsi(psi(c.pressure()));
        }
        return cpu;
    }

    /** kubelet's working set and available bytes (limit minus working set, only under a limit). */
    static Api.MemoryUsage.Builder memory(CgroupStats.Memory m, long timestampNanos) {
        Api.MemoryUsage.Builder memory = Api.MemoryUsage.newBuilder().setTimestamp(timestampNanos);
        if (m.workingSetBytes() >= 0) {
            memory.setWorkingSetBytes(value(m.workingSetBytes())).setUsageBytes(value(m.usageBytes()));
        }
        if (m.availableBytes() >= 0) {
            memory.setAvailableBytes(value(m.availableBytes()));
        }
        if (m.rssBytes() >= 0) {
            memory.setRssBytes(value(m.rssBytes()));
        }
        if (m.pageFaults() >= 0) {
            memory.setPageFaults(value(m.pageFaults()));
        }
        if (m.majorPageFaults() >= 0) {
            memory.setMajorPageFaults(value(m.majorPageFaults()));
        }
        if (m.pressure() != null) {
            memory.setPsi(psi(m.pressure()));
        }
        return memory;
    }

    private static Api.SwapUsage.Builder swap(CgroupStats.Memory m, long timestampNanos) {
        Api.SwapUsage.Builder swap = Api.SwapUsage.newBuilder().setTimestamp(timestampNanos)
                .setSwapUsageBytes(value(m.swapUsageBytes()));
        if (m.swapAvailableBytes() >= 0) {
            swap.setSwapAvailableBytes(value(m.swapAvailableBytes()));
        }
        return swap;
    }

    /** PSI as the CRI carries it: totals in nanoseconds (the kernel counts microseconds), averages in percent. */
    static Api.PsiStats psi(CgroupStats.Pressure p) {
        Api.PsiStats.Builder psi = Api.PsiStats.newBuilder();
        if (p.some() != null) {
            psi.setSome(psiData(p.some()));
        }
        if (p.full() != null) {
            psi.setFull(psiData(p.full()));
        }
        return psi.build();
    }

    private static Api.PsiData psiData(CgroupStats.PressureLine line) {
        return Api.PsiData.newBuilder().setTotal(line.totalMicros() * 1000).setAvg10(line.avg10())
                .setAvg60(line.avg60()).setAvg300(line.avg300()).build();
    }

    static Api.NetworkUsage network(NetworkReading n) {
        Api.NetworkUsage.Builder usage = Api.NetworkUsage.newBuilder().setTimestamp(n.timestampNanos());
        n.defaultInterface().ifPresent(i -> usage.setDefaultInterface(networkInterface(i)));
        n.interfaces().forEach(i -> usage.addInterfaces(networkInterface(i)));
        return usage.build();
    }

    private static Api.NetworkInterfaceUsage networkInterface(InterfaceCounters i) {
        return Api.NetworkInterfaceUsage.newBuilder().setName(i.name())
                .setRxBytes(value(i.rxBytes())).setRxErrors(value(i.rxErrors()))
                .setTxBytes(value(i.txBytes())).setTxErrors(value(i.txErrors())).build();
    }

    static Api.UInt64Value value(long v) {
        return Api.UInt64Value.newBuilder().setValue(v).build();
    }
}
