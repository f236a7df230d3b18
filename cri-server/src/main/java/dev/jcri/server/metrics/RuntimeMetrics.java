package dev.jcri.server.metrics;

import dev.jcri.linux.ProcFiles;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.ContainerState;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.pod.PodState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;

/**
 * What an operator watches on a node besides call latencies: pods and containers by state
 * ({@code jcri_pods{state}}, {@code jcri_containers{state}}) and the container monitors alive
 * ({@code jcri_conmon_processes}: below the running containers' count means containers whose exit
 * jcri can no longer learn). Read from the managers' memory and conmon's pid files when Prometheus
 * scrapes, never counted on the side, so they cannot drift.
 */
public final class RuntimeMetrics {

    private RuntimeMetrics() {}

    public static void bind(MeterRegistry registry, PodSandboxManager pods, ContainerManager containers) {
        for (PodState state : PodState.values()) {
            Gauge.builder("jcri.pods", () -> pods.list().stream().filter(p -> p.state() == state).count())
                    .description("Pod sandboxes by state").tag("state", state.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        for (ContainerState state : ContainerState.values()) {
            Gauge.builder("jcri.containers", () -> containers.list().stream().filter(c -> c.state() == state).count())
                    .description("Containers by state").tag("state", state.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        Gauge.builder("jcri.conmon.processes", () -> containers.list().stream()
                        .filter(c -> c.state() != ContainerState.EXITED && conmonAlive(containers.paths().monitorPidFile(c.id()))).count())
                .description("conmon processes alive for created and running containers").register(registry);
    }

    /** The pid file names a live process that is conmon (a recycled pid of another program does not count). */
    static boolean conmonAlive(Path pidFile) {
        String pid = ProcFiles.readTrimmedOrEmpty(pidFile);
        if (!pid.matches("[0-9]{1,10}")) {
            return false;
        }
        return ProcFiles.readTrimmedOrEmpty(Path.of("/proc", pid, "comm")).equals("conmon");
    }
}
