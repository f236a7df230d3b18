package dev.jcri.sandbox.pod;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.MountFlags;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.linux.ProcFiles;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.cgroup.PodCgroup;
import dev.jcri.sandbox.cgroup.PodResources;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.validate.PodConfigRules;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.Api;

/**
 * RunPodSandbox. The record is written first (state CREATING), then namespaces, pod files, shm,
 * cgroup, infra process and network are acquired; the record becomes READY at the end. A failure
 * at any step, and a crash (found at the next start), release through the one {@link PodTeardown}.
 */
final class PodCreator {

    private static final Logger LOG = LoggerFactory.getLogger(PodCreator.class);
    private static final String SHM_SIZE = "64m";

    private final PodRegistry registry;
    private final PodTeardown teardown;
    private final PodNetwork network;
    private final Cgroups cgroups;
    private final Set<String> runtimeHandlers;
    private final String defaultHandler;
    private final MeterRegistry meters;
    private final PodContainers containers;

    PodCreator(PodRegistry registry, PodTeardown teardown, PodNetwork network, Cgroups cgroups, Set<String> runtimeHandlers,
            String defaultHandler, MeterRegistry meters, PodContainers containers) {
        this.containers = containers;
        this.meters = meters;
        this.registry = registry;
        this.teardown = teardown;
        this.network = network;
        this.cgroups = cgroups;
        this.runtimeHandlers = Set.copyOf(runtimeHandlers);
        this.defaultHandler = defaultHandler;
    }

    /**
     * Creates and starts a sandbox, or returns the one already created (or being created) for the
     * same name, namespace, uid and attempt: kubelet retries RunPodSandbox after a timeout and the
     * retry must find the first attempt's sandbox rather than fail on a reserved name.
     */
    String run(Api.PodSandboxConfig config, String runtimeHandler) throws IOException {
        PodConfigRules.check(config, runtimeHandler, runtimeHandlers, cgroups.manager()); // before anything is made
        Api.PodSandboxMetadata md = config.getMetadata();
        String key = PodRecord.reservationKey(md.getName(), md.getNamespace(), md.getUid(), md.getAttempt());
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> existing = registry.reservations().putIfAbsent(key, mine);
        if (existing != null) {
            return awaitExisting(key, existing);
        }
        try {
            String id = create(config, runtimeHandler.isEmpty() ? defaultHandler : runtimeHandler);
            mine.complete(id);
            return id;
        } catch (IOException | RuntimeException e) {
            registry.reservations().remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static String awaitExisting(String key, CompletableFuture<String> existing) throws IOException {
        try {
            String id = existing.get();
            LOG.info("RunPodSandbox for {} again: returning sandbox {}", key, id);
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JcriException(JcriException.Kind.CANCELLED, "interrupted waiting for the sandbox of " + key);
        } catch (ExecutionException e) {
            // the first attempt failed and released the name: this retry may create it afresh. Its
            // answer keeps the first attempt's kind (a bad field stays INVALID_ARGUMENT).
            JcriException.Kind kind = JcriException.find(e.getCause()).map(c -> c.kind())
                    .orElse(JcriException.Kind.FAILED_PRECONDITION);
            throw new JcriException(kind, "an earlier RunPodSandbox for " + key + " failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private String create(Api.PodSandboxConfig config, String handler) throws IOException {
        String id = Ids.newId();
        Api.PodSandboxMetadata md = config.getMetadata();
        Api.NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
        boolean hostNetwork = ns.getNetwork() == Api.NamespaceMode.NODE;
        boolean hostIpc = ns.getIpc() == Api.NamespaceMode.NODE;
        List<String> owned = new ArrayList<>();
        PodUserNamespace userns = PodUserNamespace.of(config).orElse(null);
        if (userns != null) {
            requireUserNamespaces(handler);
            owned.add("user"); // first: the pod's other namespaces are made inside it
        }
        if (!hostNetwork) {
            owned.add("net");
            owned.add("uts"); // Kubernetes ties UTS to the network: host network means the host's hostname
        }
        if (!hostIpc) {
            owned.add("ipc");
        }
        PodPaths paths = registry.paths(id);
        String hostname = hostNetwork ? hostHostname() : config.getHostname().isEmpty() ? md.getName() : config.getHostname();
        PodRecord record = new PodRecord(id, md.getName(), md.getNamespace(), md.getUid(), md.getAttempt(),
                PodState.CREATING, Ids.nowNanos(), handler, config.toByteArray(), owned, List.of(), null);

        Lock lock = registry.lockOf(id).writeLock();
        lock.lock();
        boolean ready = false;
        boolean networkTouched = false;
        StepTimes steps = new StepTimes();
        try {
            // before anything is acquired: a kill -9 from here on is released at the next start; READY, below,
            // is the flushed write (a power loss leaves nothing of a pod running; its leftovers are swept)
            registry.saveInterim(record);
            steps.lap("record");
            NamespacePins.create(owned, paths::namespacePin, hostname,
                    Sysctls.toProcPaths(config.getLinux().getSysctlsMap()), userns);
            steps.lap("namespaces");
            PodFiles.write(paths, hostname, hostNetwork, config.getDnsConfig());
            if (!hostIpc) {
                mountShm(paths);
            }
            steps.lap("files");
            Optional<PodCgroup> cgroup = cgroups.createPodCgroup(id, config.getLinux().getCgroupParent(),
                    PodResources.limits(config.getLinux()));
            steps.lap("cgroup");
            if (ns.getPid() == Api.NamespaceMode.POD) {
                Map<String, Path> pins = new LinkedHashMap<>();
                owned.forEach(kind -> pins.put(kind, paths.namespacePin(kind)));
                List<Path> procs = cgroup.map(PodCgroup::procsFiles).orElse(List.of());
                record = record.withInfra(InfraProcess.start(pins, procs, paths.stateDir().resolve("infra.log"), id));
                registry.save(record);
                steps.lap("infra");
            }
            if (!hostNetwork) {
                PodNetwork.Readiness readiness = network.readiness();
                if (!readiness.ready()) {
                    throw JcriException.failedPrecondition("pod network is not ready: " + readiness.reason() + ": "
                            + readiness.message());
                }
                networkTouched = true;
                record = record.withIps(network.attach(id, paths.namespacePin("net"), config));
                steps.lap("network");
            }
            record = record.withState(PodState.READY);
            registry.save(record);
            steps.lap("ready");
            ready = true;
        } finally {
            if (!ready) {
                undo(record, networkTouched);
            }
            lock.unlock();
        }
        LOG.info("pod sandbox {} ready for {}/{} (attempt {}, ips {})", Ids.shortId(id), md.getNamespace(), md.getName(),
                md.getAttempt(), record.ips());
        return id;
    }

    /**
     * Where a RunPodSandbox's time goes, step by step: {@code jcri_pod_start_step_seconds{step}}
     * (record, namespaces, files, cgroup, infra, network, ready), a pod-start breakdown for operators.
     */
    private final class StepTimes {
        private long last = System.nanoTime();

        void lap(String step) {
            long now = System.nanoTime();
            Timer.builder("jcri_pod_start_step_seconds").description("Time of each step of RunPodSandbox")
                    .tag("step", step).register(meters).record(now - last, TimeUnit.NANOSECONDS);
            last = now;
        }
    }

    /** A failed RunPodSandbox: the one release; what it cannot release stays recorded (CREATING) for the next start. */
    private void undo(PodRecord record, boolean networkTouched) {
        try {
            teardown.release(record, networkTouched);
        } catch (IOException | RuntimeException e) {
            LOG.error("RunPodSandbox {} failed and could not release everything: {}", record.id(), e.getMessage());
        }
    }

    /** A handler that cannot run user-namespaced containers is refused before anything is made. */
    private void requireUserNamespaces(String handler) throws JcriException {
        Optional<String> missing = containers.userNamespacesUnsupported(handler);
        if (missing.isPresent()) {
            throw JcriException.failedPrecondition("runtime handler " + handler
                    + " cannot run pods in a user namespace on this node: " + missing.get());
        }
    }

    private static void mountShm(PodPaths paths) throws IOException {
        PrivateFiles.createDirectories(paths.shm()); // the tmpfs mounted on it is 1777 for the containers
        Mounts.mount("shm", paths.shm(), "tmpfs", MountFlags.MS_NOSUID | MountFlags.MS_NODEV | MountFlags.MS_NOEXEC,
                "mode=1777,size=" + SHM_SIZE);
    }

    private static String hostHostname() {
        try {
            return ProcFiles.read(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException ignored) {
                return "localhost";
            }
        }
    }
}
