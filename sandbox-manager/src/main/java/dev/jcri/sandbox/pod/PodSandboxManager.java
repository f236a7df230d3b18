package dev.jcri.sandbox.pod;

import dev.jcri.errors.JcriException;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jcri.linux.MountFlags;
import dev.jcri.linux.MountInfo;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.cgroup.PodCgroup;
import dev.jcri.sandbox.cgroup.PodResources;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.util.RecordStore;
import dev.jcri.sandbox.util.Trees;
import dev.jcri.sandbox.util.Undo;
import dev.jcri.sandbox.validate.PodConfigRules;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.Api;

/**
 * Pod sandboxes: creates, stops, removes and recovers them. A pod without a shared PID namespace
 * has no process of its own: its network, IPC and UTS namespaces are pinned by bind mounts, so a
 * sandbox costs a few kernel objects and files, not a pause container and its shim.
 *
 * <p>Every step of RunPodSandbox registers its undo; a failure at any step leaves nothing behind.
 * Records are written before the first resource is acquired (state CREATING), so a crash in the
 * middle is undone on the next start.
 */
public final class PodSandboxManager {

    private static final Logger LOG = LoggerFactory.getLogger(PodSandboxManager.class);
    private static final String SHM_SIZE = "64m";

    private final RecordStore<PodRecord> store;
    private final Path root;
    private final Path state;
    private final PodNetwork network;
    private final Cgroups cgroups;
    private final Set<String> runtimeHandlers;
    private final String defaultHandler;
    /** Reservation key → the RunPodSandbox in progress or done for it (kubelet retries after timeouts). */
    private final Map<String, CompletableFuture<String>> reservations = new ConcurrentHashMap<>();
    /** Serialises Run/Stop/Remove on one pod. */
    private final Map<String, Object> podLocks = new ConcurrentHashMap<>();

    public PodSandboxManager(Path root, Path state, PodNetwork network, Cgroups cgroups, Set<String> runtimeHandlers,
            String defaultHandler) {
        this.store = new RecordStore<>(PodPaths.recordsDir(root), "pod.json", PodRecord.class, PodRecord::id);
        this.root = root;
        this.state = state;
        this.network = network;
        this.cgroups = cgroups;
        this.runtimeHandlers = Set.copyOf(runtimeHandlers);
        this.defaultHandler = defaultHandler;
    }

    public PodNetwork network() {
        return network;
    }

    /** What a pod's stop and removal need from its containers (the container manager provides it). */
    public interface PodContainers {
        /** Stops every container of the pod: stop signal, SIGKILL after {@code timeout}. */
        void stopAll(String podId, java.time.Duration timeout) throws IOException;

        /** Removes every container of the pod. */
        void removeAll(String podId) throws IOException;
    }

    private volatile PodContainers containers = new PodContainers() {
        @Override
        public void stopAll(String podId, java.time.Duration timeout) {}

        @Override
        public void removeAll(String podId) {}
    };

    public void setContainers(PodContainers containers) {
        this.containers = containers;
    }

    // ---------------------------------------------------------------- run

    /**
     * Creates and starts a sandbox, or returns the one already created (or being created) for the
     * same name, namespace, uid and attempt: kubelet retries RunPodSandbox after a timeout and the
     * retry must find the first attempt's sandbox rather than fail on a reserved name.
     */
    public String run(Api.PodSandboxConfig config, String runtimeHandler) throws IOException {
        PodConfigRules.check(config, runtimeHandler, runtimeHandlers, cgroups.manager());
        Api.PodSandboxMetadata md = config.getMetadata();
        String key = PodRecord.reservationKey(md.getName(), md.getNamespace(), md.getUid(), md.getAttempt());
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> existing = reservations.putIfAbsent(key, mine);
        if (existing != null) {
            return awaitExisting(key, existing);
        }
        try {
            String id = create(config, runtimeHandler.isEmpty() ? defaultHandler : runtimeHandler);
            mine.complete(id);
            return id;
        } catch (IOException | RuntimeException e) {
            reservations.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private String awaitExisting(String key, CompletableFuture<String> existing) throws IOException {
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
        if (!hostNetwork) {
            owned.add("net");
            owned.add("uts"); // Kubernetes ties UTS to the network: host network means the host's hostname
        }
        if (!hostIpc) {
            owned.add("ipc");
        }
        PodPaths paths = paths(id);
        String hostname = hostNetwork ? hostHostname() : config.getHostname().isEmpty() ? md.getName() : config.getHostname();
        PodRecord record = new PodRecord(id, md.getName(), md.getNamespace(), md.getUid(), md.getAttempt(),
                PodState.CREATING, Ids.nowNanos(), handler, config.toByteArray(), owned, List.of(), null);

        synchronized (lockOf(id)) {
            try (Undo undo = new Undo("RunPodSandbox " + md.getNamespace() + "/" + md.getName())) {
                store.save(record);
                undo.add(() -> deleteRecordAndDirs(id));

                undo.add(() -> releaseNamespaces(paths));
                NamespacePins.create(owned, paths::namespacePin, hostname,
                        Sysctls.toProcPaths(config.getLinux().getSysctlsMap()));

                PodFiles.write(paths, hostname, hostNetwork, config.getDnsConfig());

                if (!hostIpc) {
                    undo.add(() -> unmountShm(paths));
                    mountShm(paths);
                }

                undo.add(() -> cgroups.release(id));
                Optional<PodCgroup> cgroup = cgroups.createPodCgroup(id, config.getLinux().getCgroupParent(),
                        PodResources.limits(config.getLinux()));

                if (ns.getPid() == Api.NamespaceMode.POD) {
                    Map<String, Path> pins = new LinkedHashMap<>();
                    owned.forEach(kind -> pins.put(kind, paths.namespacePin(kind)));
                    List<Path> procs = cgroup.map(PodCgroup::procsFiles).orElse(List.of());
                    InfraProcess.Handle infra = InfraProcess.start(pins, procs, paths.stateDir().resolve("infra.log"), id);
                    undo.add(() -> InfraProcess.kill(infra));
                    record = record.withInfra(infra);
                    store.save(record);
                }

                if (!hostNetwork) {
                    PodNetwork.Readiness readiness = network.readiness();
                    if (!readiness.ready()) {
                        throw new JcriException(JcriException.Kind.FAILED_PRECONDITION, "pod network is not ready: " + readiness.reason() + ": " + readiness.message());
                    }
                    undo.add(() -> network.detach(id, paths.namespacePin("net"), config));
                    record = record.withIps(network.attach(id, paths.namespacePin("net"), config));
                }

                record = record.withState(PodState.READY);
                store.save(record);
                undo.commit();
            }
        }
        LOG.info("pod sandbox {} ready for {}/{} (attempt {}, ips {})", Ids.shortId(id), md.getNamespace(), md.getName(),
                md.getAttempt(), record.ips());
        return id;
    }

    // ---------------------------------------------------------------- stop / remove

    /**
     * Stops a sandbox: releases its network (CNI DEL) and the network namespace. Idempotent; the
     * record and files stay until RemovePodSandbox.
     */
    public void stop(String idOrPrefix) throws IOException {
        Optional<PodRecord> found = findIfExists(idOrPrefix);
        if (found.isEmpty()) {
            return; // kubelet may stop a sandbox it already removed: the CRI asks Stop to be idempotent
        }
        synchronized (lockOf(found.get().id())) {
            Optional<PodRecord> current = store.get(found.get().id());
            if (current.isPresent()) {
                stopLocked(current.get());
            }
        }
    }

    private PodRecord stopLocked(PodRecord record) throws IOException {
        PodPaths paths = paths(record.id());
        // kubelet stops containers first with their grace periods; whatever still runs is killed now
        containers.stopAll(record.id(), java.time.Duration.ZERO);
        if (record.infra() != null) {
            InfraProcess.kill(record.infra());
        }
        if (record.sharedNamespaces().contains("net") && record.state() != PodState.STOPPED) {
            // kubelet repeats StopPodSandbox: tear the network down once (a failure leaves the state, so a retry repeats it)
            network.detach(record.id(), paths.namespacePin("net"), config(record));
            NamespacePins.destroy(paths.namespacePin("net"));
        }
        if (record.state() != PodState.STOPPED) {
            record = record.withState(PodState.STOPPED);
            store.save(record);
            LOG.info("pod sandbox {} stopped", Ids.shortId(record.id()));
        }
        return record;
    }

    /** Removes a sandbox, stopping it first. Removing an unknown sandbox succeeds (idempotent). */
    public void remove(String idOrPrefix) throws IOException {
        Optional<PodRecord> found = findIfExists(idOrPrefix);
        if (found.isEmpty()) {
            return;
        }
        PodRecord record = found.get();
        synchronized (lockOf(record.id())) {
            Optional<PodRecord> current = store.get(record.id());
            if (current.isEmpty()) {
                return;
            }
            record = stopLocked(current.get());
            containers.removeAll(record.id());
            PodPaths paths = paths(record.id());
            unmountShm(paths);
            releaseNamespaces(paths);
            cgroups.release(record.id());
            deleteRecordAndDirs(record.id());
            reservations.remove(record.reservationKey());
        }
        podLocks.remove(record.id());
        LOG.info("pod sandbox {} removed", Ids.shortId(record.id()));
    }

    // ---------------------------------------------------------------- queries

    /**
     * A pod by full ID or unique ID prefix, or empty when none matches (Stop and Remove of an
     * unknown pod succeed); an empty or ambiguous ID is still the caller's error.
     */
    public Optional<PodRecord> findIfExists(String idOrPrefix) throws JcriException {
        return store.findIfExists(idOrPrefix, "pod sandbox");
    }

    /** A pod by full ID or unique ID prefix (crictl accepts prefixes). */
    public PodRecord find(String idOrPrefix) throws JcriException {
        return store.find(idOrPrefix, "pod sandbox");
    }

    public List<PodRecord> list() {
        return List.copyOf(store.all());
    }

    /** The cgroup directories jcri created that the pod holds (shared with other pods or its own). */
    public List<String> cgroupsHeld(String id) {
        return cgroups.heldBy(id);
    }

    public PodPaths paths(String id) {
        return new PodPaths(root, state, id);
    }

    public static Api.PodSandboxConfig config(PodRecord record) {
        try {
            return Api.PodSandboxConfig.parseFrom(record.config());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("pod record " + record.id() + " holds an unreadable config", e);
        }
    }

    // ---------------------------------------------------------------- recovery

    /**
     * After a (re)start: loads records, undoes sandboxes a crash left half-made, marks sandboxes
     * whose network namespace vanished (reboot) as stopped, and releases what no record owns:
     * namespace pins and mounts under the state dir, network allocations.
     */
    public void recover() throws IOException {
        List<PodRecord> records = store.load();
        for (PodRecord record : records) {
            if (record.state() == PodState.CREATING) {
                LOG.warn("pod sandbox {} was being created when jcri stopped: undoing it", Ids.shortId(record.id()));
                undoHalfMade(record);
            } else if (record.state() == PodState.READY && record.sharedNamespaces().contains("net")
                    && !Mounts.isMountPoint(paths(record.id()).namespacePin("net"))) {
                LOG.warn("pod sandbox {} lost its network namespace (reboot?): marking it stopped", Ids.shortId(record.id()));
                stopLocked(record);
            } else if (record.state() == PodState.READY && record.infra() != null && !InfraProcess.isAlive(record.infra())) {
                LOG.warn("pod sandbox {} lost its infra process: marking it stopped", Ids.shortId(record.id()));
                stopLocked(record);
            }
        }
        Set<String> known = store.all().stream().map(PodRecord::id).collect(java.util.stream.Collectors.toSet());
        Path volatileDir = PrivateFiles.ensureDirectory(PodPaths.volatileDir(state));
        if (Files.isDirectory(volatileDir)) {
            try (Stream<Path> dirs = Files.list(volatileDir)) {
                for (Path dir : dirs.toList()) {
                    if (!known.contains(dir.getFileName().toString())) {
                        LOG.warn("removing orphaned pod state {}", dir);
                        unmountAllUnder(dir);
                        Trees.deleteUnlessMounted(dir);
                    }
                }
            }
        }
        for (String podId : network.attachedPods()) {
            if (!known.contains(podId)) {
                LOG.warn("releasing orphaned network allocation of pod {}", Ids.shortId(podId));
                network.detach(podId, paths(podId).namespacePin("net"), Api.PodSandboxConfig.getDefaultInstance());
            }
        }
        cgroups.releaseAllBut(known);
        for (PodRecord record : store.all()) {
            reservations.put(record.reservationKey(), CompletableFuture.completedFuture(record.id()));
        }
    }

    /**
     * Undoes a RunPodSandbox a crash cut. Every step runs even when an earlier one fails (each is
     * idempotent, so the next start retries what failed); the record goes last, only when all
     * steps succeeded, so nothing is forgotten while something is left.
     */
    private void undoHalfMade(PodRecord record) {
        PodPaths paths = paths(record.id());
        List<Undo.Step> steps = new ArrayList<>();
        if (record.infra() != null) {
            steps.add(() -> InfraProcess.kill(record.infra()));
        }
        steps.add(() -> InfraProcess.killUnrecorded(record.id())); // started, but cut before its handle was saved
        if (record.sharedNamespaces().contains("net")) {
            steps.add(() -> network.detach(record.id(), paths.namespacePin("net"), config(record)));
        }
        steps.add(() -> unmountShm(paths));
        steps.add(() -> releaseNamespaces(paths));
        steps.add(() -> cgroups.release(record.id()));
        boolean clean = true;
        for (Undo.Step step : steps) {
            try {
                step.undo();
            } catch (Exception e) {
                clean = false;
                LOG.error("could not undo a step of half-made pod sandbox {}: {}", record.id(), e.getMessage());
            }
        }
        if (clean) {
            try {
                deleteRecordAndDirs(record.id());
            } catch (IOException e) {
                LOG.error("could not delete half-made pod sandbox {}: {}", record.id(), e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void mountShm(PodPaths paths) throws IOException {
        PrivateFiles.createDirectories(paths.shm()); // the tmpfs mounted on it is 1777 for the containers
        Mounts.mount("shm", paths.shm(), "tmpfs", MountFlags.MS_NOSUID | MountFlags.MS_NODEV | MountFlags.MS_NOEXEC,
                "mode=1777,size=" + SHM_SIZE);
    }

    private static void unmountShm(PodPaths paths) throws IOException {
        Mounts.unmountIfMounted(paths.shm(), MountFlags.MNT_DETACH);
        Files.deleteIfExists(paths.shm());
    }

    private static void releaseNamespaces(PodPaths paths) throws IOException {
        for (String kind : NamespacePins.KINDS) {
            NamespacePins.destroy(paths.namespacePin(kind));
        }
    }

    private void deleteRecordAndDirs(String id) throws IOException {
        PodPaths paths = paths(id);
        store.delete(id);
        unmountAllUnder(paths.stateDir());
        Trees.deleteUnlessMounted(paths.stateDir());
        Trees.deleteUnlessMounted(paths.rootDir());
    }

    private static void unmountAllUnder(Path dir) throws IOException {
        for (MountInfo m : MountInfo.under(dir)) {
            Mounts.unmountIfMounted(m.mountPoint(), MountFlags.MNT_DETACH);
        }
    }

    private Object lockOf(String id) {
        return podLocks.computeIfAbsent(id, k -> new Object());
    }

    private static String hostHostname() {
        try {
            return dev.jcri.linux.ProcFiles.read(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException ignored) {
                return "localhost";
            }
        }
    }

}
