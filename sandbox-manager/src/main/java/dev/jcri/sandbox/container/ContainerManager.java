package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.CapturedOutput;
import dev.jcri.linux.Openat2UnavailableException;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.cgroup.Reading;
import dev.jcri.sandbox.pod.PodPaths;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.spec.BuiltSpec;
import dev.jcri.sandbox.spec.LogPaths;
import dev.jcri.sandbox.spec.HostFeatures;
import dev.jcri.sandbox.spec.OciSpecBuilder;
import dev.jcri.sandbox.spec.SpecInput;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.util.RecordStore;
import dev.jcri.sandbox.util.Trees;
import dev.jcri.sandbox.util.Undo;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.Api;

/**
 * Containers of pod sandboxes: create (writable snapshot, OCI spec, conmon + runtime create),
 * start, stop, remove, exec, log reopening, resource updates, exit tracking and recovery.
 *
 * <p>Status and List read memory only. Exits arrive from {@link ExitWatcher} as conmon writes
 * them. Each container's mutations are serialised on its own lock.
 */
public final class ContainerManager implements PodSandboxManager.PodContainers {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerManager.class);
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(2);
    /** After SIGKILL, how long to wait for the exit to be reported before giving up. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(30);
    private static final int SIGKILL = 9;
    private static final Duration LONGEST_WAIT = Duration.ofDays(36_500);
    /** What ContainerStats reports of a container's cgroup. */
    private static final Set<Reading> USAGE = EnumSet.of(Reading.CPU, Reading.MEMORY);

    private final RecordStore<ContainerRecord> store;
    private final Path state;
    private final PodSandboxManager pods;
    private final OverlaySnapshotter snapshots;
    private final Conmon conmon;
    private final Map<String, OciRuntime> runtimes;
    private final Cgroups cgroups;
    private final boolean cgroupV2;
    private final ExitWatcher exits;
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> exitSignals = new ConcurrentHashMap<>();

    public ContainerManager(Path root, Path state, PodSandboxManager pods, OverlaySnapshotter snapshots, Conmon conmon,
            Map<String, OciRuntime> runtimes, Cgroups cgroups)
            throws IOException {
        this.store = new RecordStore<>(root.resolve("containers"), "container.json", ContainerRecord.class,
                ContainerRecord::id);
        this.state = state;
        this.pods = pods;
        this.snapshots = snapshots;
        this.conmon = conmon;
        this.runtimes = Map.copyOf(runtimes);
        this.cgroups = cgroups;
        this.cgroupV2 = cgroups.layout().isUnified();
        PrivateFiles.ensureDirectory(bundlesDir());
        PrivateFiles.ensureDirectory(attachDir());
        this.exits = new ExitWatcher(state.resolve("exits"), this::onExit);
        pods.setContainers(this);
    }

    /** Bundles: config.json carries the container's environment, so they are private to root (0700, files 0600). */
    private Path bundlesDir() {
        return state.resolve("containers");
    }

    private Path bundle(String id) {
        return bundlesDir().resolve(id);
    }

    /** conmon's attach sockets: whoever connects gets the container's stdio. */
    private Path attachDir() {
        return state.resolve("attach");
    }

    private Path rootfs(String id) {
        return bundle(id).resolve("rootfs");
    }

    // ---------------------------------------------------------------- create

    public String create(String podIdOrPrefix, Api.ContainerConfig config, ContainerImage image) throws IOException {
        PodRecord pod = pods.find(podIdOrPrefix);
        if (pod.state() != PodState.READY) {
            throw JcriException.failedPrecondition("pod sandbox " + pod.id() + " is not ready (" + pod.state() + ")");
        }
        if (!config.hasMetadata() || config.getMetadata().getName().isEmpty()) {
            throw JcriException.invalid("config.metadata.name is required");
        }
        Api.PodSandboxConfig podConfig = PodSandboxManager.config(pod);
        OciRuntime runtime = runtimes.get(pod.runtimeHandler());
        if (runtime == null) {
            throw JcriException.invalid("runtime handler '" + pod.runtimeHandler() + "' has no runtime configured");
        }
        String name = config.getMetadata().getName();
        int attempt = config.getMetadata().getAttempt();
        String id = Ids.newId();
        String key = ContainerRecord.reservationKey(pod.id(), name, attempt);
        String holder = names.putIfAbsent(key, id);
        if (holder != null) {
            throw JcriException.alreadyExists("container name " + name + " (attempt " + attempt + ") is already used in pod "
                    + pod.id() + " by container " + holder);
        }
        Object lock = lockOf(id);
        synchronized (lock) {
            try (Undo undo = new Undo("CreateContainer " + name)) {
                undo.add(() -> names.remove(key, id));
                Path bundle = bundle(id);
                PrivateFiles.createDirectories(bundle);
                undo.add(() -> Trees.deleteUnlessMounted(bundle));
                undo.add(() -> Files.deleteIfExists(attachLink(id)));

                snapshots.prepare(id, image.topChainId(), Map.of("jcri.container", id));
                undo.add(() -> snapshots.remove(id));
                PrivateFiles.createDirectories(rootfs(id)); // a mount point: the snapshot's own root covers it
                snapshots.mount(id, rootfs(id));
                undo.add(() -> snapshots.unmount(id, rootfs(id)));

                BuiltSpec spec = buildSpec(specInput(id, config, pod, podConfig, image), runtime);
                ImageVolumes.create(rootfs(id), spec.imageVolumes());
                AtomicFiles.write(bundle.resolve("config.json"), spec.toJson());

                Path logPath = LogPaths.of(podConfig.getLogDirectory(), config.getLogPath());
                Path log = logPath != null ? logPath : bundle.resolve("console.log");
                Files.createDirectories(log.getParent());

                long createdAt = Ids.nowNanos();
                ContainerRecord record = new ContainerRecord(id, pod.id(), name, attempt, ContainerState.CREATED, createdAt,
                        0, 0, 0, "", "", 0, runtime.handler(), image.requested(), image.id(), image.repoDigest(),
                        logPath == null ? null : logPath.toString(), spec.stopSignal(), config.toByteArray());
                store.save(record);
                undo.add(() -> store.delete(id));
                exitSignals.put(id, new CompletableFuture<>());
                undo.add(() -> exitSignals.remove(id));

                undo.add(() -> runtime.delete(id));
                long pid = conmon.create(new Conmon.CreateRequest(id, conmonName(podConfig, config), runtime, bundle, log,
                        state.resolve("exits"), attachDir(), config.getTty(), config.getStdin(),
                        config.getStdinOnce()), CREATE_TIMEOUT);
                store.save(new ContainerRecord(id, pod.id(), name, attempt, ContainerState.CREATED, createdAt, 0, 0, 0, "",
                        "", pid, runtime.handler(), image.requested(), image.id(), image.repoDigest(), record.logPath(),
                        spec.stopSignal(), record.config()));
                undo.commit();
            }
        }
        LOG.info("container {} ({}) created in pod {}", Ids.shortId(id), name, Ids.shortId(pod.id()));
        return id;
    }

    private SpecInput specInput(String id, Api.ContainerConfig config, PodRecord pod, Api.PodSandboxConfig podConfig,
            ContainerImage image) throws JcriException {
        PodPaths paths = pods.paths(pod.id());
        Api.NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
        // a container always shares its pod's network and IPC: TARGET is only defined for PID
        if (ns.getNetwork() == Api.NamespaceMode.TARGET) {
            throw JcriException.invalid("config.linux.security_context.namespace_options.network: "
                    + "mode TARGET is only valid for pid");
        }
        if (ns.getIpc() == Api.NamespaceMode.TARGET) {
            throw JcriException.invalid("config.linux.security_context.namespace_options.ipc: "
                    + "mode TARGET is only valid for pid");
        }
        Path pidNs = null;
        boolean privatePid = false;
        switch (ns.getPid()) {
            case POD -> {
                // POD is also the proto default: in a pod that shares no PID namespace it means the
                // container's own (containerd likewise gives such containers a fresh one)
                if (pod.infra() != null) {
                    pidNs = pod.infra().pidNamespace();
                } else {
                    privatePid = true;
                }
            }
            case CONTAINER -> privatePid = true;
            case NODE -> { }
            case TARGET -> pidNs = targetPidNamespace(pod, ns.getTargetId());
            default -> privatePid = true;
        }
        SpecInput.Namespaces namespaces = new SpecInput.Namespaces(
                owned(pod, "net") ? paths.namespacePin("net") : null,
                owned(pod, "ipc") ? paths.namespacePin("ipc") : null,
                owned(pod, "uts") ? paths.namespacePin("uts") : null,
                pidNs, privatePid);
        SpecInput.PodFilePaths files = new SpecInput.PodFilePaths(paths.hostname(), paths.hosts(), paths.resolvConf(),
                owned(pod, "ipc") ? paths.shm() : null);
        Api.ContainerConfig restricted = config.toBuilder().setLinux(config.getLinux().toBuilder()
                .setResources(OomScores.restrict(config.getLinux().getResources()))).build();
        return new SpecInput(id, restricted, podConfig, image.config(), rootfs(id), namespaces, files,
                cgroups.manager().containerCgroupsPath(podConfig.getLinux().getCgroupParent(), id), cgroupV2);
    }

    /** The spec for the pod's handler: what its runtime cannot do is refused, not written and ignored. */
    private static BuiltSpec buildSpec(SpecInput input, OciRuntime runtime) throws JcriException {
        try {
            return OciSpecBuilder.build(input, runtime.features().applyTo(HostFeatures.detect()));
        } catch (JcriException e) {
            if (e.getCause() instanceof Openat2UnavailableException node) {
                throw new JcriException(JcriException.Kind.FAILED_PRECONDITION,
                        "cannot read the image's account files safely: " + node.getMessage(), node);
            }
            throw e;
        }
    }

    /** New cgroup limits for a running container, in the runtime's update format. */
    private byte[] resourcesJson(Api.LinuxContainerResources resources) throws JcriException {
        return OciSpecBuilder.resourcesJson(OomScores.restrict(resources), cgroupV2);
    }

    /**
     * The PID namespace of another container of the SAME pod (ephemeral debug containers): a
     * container of another pod is refused, or any pod could join any other pod's processes.
     */
    private Path targetPidNamespace(PodRecord pod, String targetId) throws JcriException {
        String field = "config.linux.security_context.namespace_options.target_id";
        if (targetId.isEmpty()) {
            throw JcriException.invalid(field + ": required with pid mode TARGET");
        }
        ContainerRecord target = store.get(targetId).orElseThrow(() ->
                JcriException.invalid(field + ": " + targetId + " is not a container"));
        if (!target.podId().equals(pod.id())) {
            throw JcriException.invalid(field + ": container " + targetId + " is not in pod " + pod.id());
        }
        if (target.state() != ContainerState.RUNNING) {
            throw JcriException.invalid(field + ": target container " + targetId + " is not running");
        }
        return Path.of("/proc", Long.toString(target.pid()), "ns", "pid");
    }

    private static boolean owned(PodRecord pod, String kind) {
        return pod.sharedNamespaces().contains(kind);
    }

    /** Current usage of a container (ContainerStats): cgroup counters and its writable layer. */
    public ContainerUsage usage(ContainerRecord record) throws IOException {
        PodRecord pod;
        try {
            pod = pods.find(record.podId());
        } catch (JcriException e) {
            throw new IOException("pod " + record.podId() + " of container " + record.id() + " is gone");
        }
        long timestamp = Ids.nowNanos();
        long bytes = -1;
        long inodes = -1;
        if (snapshots.stat(record.id()).isPresent()) {
            var layer = snapshots.usage(record.id());
            bytes = layer.bytes();
            inodes = layer.inodes();
        }
        String cgroup = cgroups.manager().containerPath(PodSandboxManager.config(pod).getLinux().getCgroupParent(), record.id());
        return new ContainerUsage(timestamp, cgroups.stats(cgroup, USAGE), bytes, inodes);
    }

    /** The writable layers' filesystem (ContainerStats' fs_id). */
    public Path writableLayerMountpoint() {
        return snapshots.root();
    }

    /** conmon's --name: kubelet's naming convention, readable in ps and logs. */
    private static String conmonName(Api.PodSandboxConfig pod, Api.ContainerConfig c) {
        return "k8s_" + c.getMetadata().getName() + "_" + pod.getMetadata().getName() + "_"
                + pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getUid() + "_" + c.getMetadata().getAttempt();
    }

    // ---------------------------------------------------------------- start / stop

    public void start(String idOrPrefix) throws IOException {
        ContainerRecord record = find(idOrPrefix);
        synchronized (lockOf(record.id())) {
            record = store.get(record.id()).orElseThrow(() -> JcriException.notFound("container", idOrPrefix));
            if (record.state() != ContainerState.CREATED) {
                throw JcriException.failedPrecondition("container " + record.id() + " is " + record.state().name().toLowerCase(java.util.Locale.ROOT)
                        + ", only a created container can be started");
            }
            long startedAt = Ids.nowNanos(); // before the process runs, so that it never follows its own exit
            runtimeOf(record).start(record.id());
            store.save(record.started(record.pid(), startedAt));
        }
        LOG.info("container {} started", Ids.shortId(record.id()));
    }

    /**
     * Stops a container: its stop signal, then SIGKILL after {@code timeout}. Idempotent: a
     * stopped container is left as it is.
     */
    public void stop(String idOrPrefix, Duration requestedTimeout) throws IOException {
        Duration timeout = capped(requestedTimeout);
        Optional<ContainerRecord> found = findIfExists(idOrPrefix);
        if (found.isEmpty()) {
            return; // the CRI asks Stop of an unknown container to succeed
        }
        ContainerRecord record = found.get();
        if (record.state() == ContainerState.EXITED) {
            return;
        }
        OciRuntime runtime = runtimeOf(record);
        CompletableFuture<Void> exited = exitSignals.computeIfAbsent(record.id(), k -> new CompletableFuture<>());
        if (!timeout.isZero() && !timeout.isNegative()) {
            signal(runtime, record, record.stopSignal());
            if (await(exited, timeout)) {
                return;
            }
            LOG.info("container {} ignored signal {} for {} s: killing it", Ids.shortId(record.id()), record.stopSignal(),
                    timeout.toSeconds());
        }
        signal(runtime, record, SIGKILL);
        if (!await(exited, KILL_GRACE)) {
            throw new IOException("container " + record.id() + " did not exit within " + KILL_GRACE.toSeconds() + " s of SIGKILL");
        }
    }

    private void signal(OciRuntime runtime, ContainerRecord record, int signal) throws IOException {
        try {
            runtime.kill(record.id(), signal);
        } catch (OciRuntime.ContainerGoneException gone) {
            // already exited; its exit file tells the rest
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("not running") && !String.valueOf(e.getMessage()).contains("process already finished")) {
                throw e;
            }
        }
    }

    private static boolean await(CompletableFuture<Void> exited, Duration timeout) {
        try {
            exited.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    /** conmon wrote an exit file: record the exit, with OOMKilled when conmon saw an OOM kill. */
    private void onExit(String id, int code) {
        Optional<ContainerRecord> found = store.get(id);
        if (found.isEmpty()) {
            return;
        }
        synchronized (lockOf(id)) {
            ContainerRecord record = store.get(id).orElse(null);
            if (record == null || record.state() == ContainerState.EXITED) {
                signalExited(id);
                return;
            }
            boolean oom = Files.exists(bundle(id).resolve("oom"));
            String reason = oom ? "OOMKilled" : code == 0 ? "Completed" : "Error";
            // file times come from a coarse clock that can lag the one startedAt was read from
            long finished = Math.max(exitFileTime(id), record.startedAtNanos());
            try {
                store.save(record.exited(code, finished, reason, ""));
            } catch (IOException e) {
                // thrown, not dropped: the exit watcher retries the exit until it is recorded
                throw new java.io.UncheckedIOException("cannot record the exit of container " + id, e);
            }
            LOG.info("container {} exited with {} ({})", Ids.shortId(id), code, reason);
        }
        signalExited(id);
    }

    private void signalExited(String id) {
        exitSignals.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(null);
    }

    private long exitFileTime(String id) {
        try {
            return Ids.toNanos(Files.getLastModifiedTime(exits.fileOf(id)).toInstant());
        } catch (IOException e) {
            return Ids.nowNanos();
        }
    }

    // ---------------------------------------------------------------- remove

    /** Removes a container, killing it if it runs. Removing an unknown container succeeds. The log file stays. */
    public void remove(String idOrPrefix) throws IOException {
        Optional<ContainerRecord> found = findIfExists(idOrPrefix);
        if (found.isEmpty()) {
            return;
        }
        ContainerRecord record = found.get();
        if (record.state() != ContainerState.EXITED) {
            stop(record.id(), Duration.ZERO);
        }
        synchronized (lockOf(record.id())) {
            if (store.get(record.id()).isEmpty()) {
                return;
            }
            runtimeOf(record).delete(record.id());
            // a remove cut after the snapshot went (crash, I/O error) must be able to finish later
            if (snapshots.stat(record.id()).isPresent()) {
                snapshots.unmount(record.id(), rootfs(record.id()));
                snapshots.remove(record.id());
            }
            Trees.deleteUnlessMounted(bundle(record.id()));
            Files.deleteIfExists(exits.fileOf(record.id()));
            Files.deleteIfExists(attachLink(record.id()));
            store.delete(record.id());
            names.remove(record.reservationKey(), record.id());
            exitSignals.remove(record.id());
        }
        locks.remove(record.id());
        LOG.info("container {} removed", Ids.shortId(record.id()));
    }

    // ---------------------------------------------------------------- pod hooks

    @Override
    public void stopAll(String podId, Duration timeout) throws IOException {
        for (ContainerRecord c : inPod(podId)) {
            try {
                stop(c.id(), timeout);
            } catch (JcriException e) {
                LOG.debug("container {} vanished while stopping its pod: {}", c.id(), e.getMessage());
            }
        }
    }

    @Override
    public void removeAll(String podId) throws IOException {
        for (ContainerRecord c : inPod(podId)) {
            try {
                remove(c.id());
            } catch (JcriException e) {
                LOG.debug("container {} vanished while removing its pod: {}", c.id(), e.getMessage());
            }
        }
    }

    private List<ContainerRecord> inPod(String podId) {
        return store.all().stream().filter(c -> c.podId().equals(podId)).toList();
    }

    // ---------------------------------------------------------------- exec, logs, resources

    /** Output (each stream as captured: held once, up to the caller's limit) and exit code of a command run in the container. */
    public record ExecResult(int exitCode, CapturedOutput stdout, CapturedOutput stderr, boolean timedOut) {}

    /** Runs a command in a running container (ExecSync), capturing at most {@code outputLimit} bytes per stream. */
    public ExecResult execSync(String idOrPrefix, List<String> cmd, Duration requestedTimeout, int outputLimit)
            throws IOException {
        Duration timeout = capped(requestedTimeout);
        ContainerRecord record = find(idOrPrefix);
        if (record.state() != ContainerState.RUNNING) {
            throw JcriException.failedPrecondition("container " + record.id() + " is not running");
        }
        if (cmd.isEmpty()) {
            throw JcriException.invalid("cmd is empty");
        }
        String execName = "exec-" + Ids.newId().substring(0, 12);
        Path pidFile = bundle(record.id()).resolve(execName + ".pid");
        Path processFile = ExecProcess.write(bundle(record.id()), execName + ".json", cmd);
        try {
            OciRuntime.ExecOutcome o = runtimeOf(record).exec(record.id(), processFile, timeout, outputLimit, pidFile);
            return new ExecResult(o.result().exitCode(), o.result().out(), o.result().err(), o.timedOut());
        } finally {
            Files.deleteIfExists(processFile);
        }
    }

    /** Asks conmon to reopen the log file (after kubelet rotated it). */
    public void reopenLog(String idOrPrefix) throws IOException {
        ContainerRecord record = find(idOrPrefix);
        if (record.state() != ContainerState.RUNNING) {
            throw JcriException.failedPrecondition("container " + record.id() + " is not running");
        }
        Path ctl = bundle(record.id()).resolve("ctl");
        if (!Files.exists(ctl)) {
            throw new IOException("conmon's control fifo " + ctl + " is missing");
        }
        // conmon's control message: "<type> <height> <width>\n", type 2 = reopen the log
        try (var out = Files.newOutputStream(ctl)) {
            out.write("2 0 0\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (record.logPath() != null) {
            Path log = Path.of(record.logPath());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(log)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("conmon did not reopen " + log + " within 10 s");
                }
                sleep(5);
            }
        }
    }

    /** Changes the cgroup limits of a running container, mapped as at creation. */
    public void updateResources(String idOrPrefix, Api.LinuxContainerResources resources) throws IOException {
        ContainerRecord record = find(idOrPrefix);
        if (record.state() == ContainerState.EXITED) {
            throw JcriException.failedPrecondition("container " + record.id() + " has exited");
        }
        runtimeOf(record).update(record.id(), resourcesJson(resources));
    }

    // ---------------------------------------------------------------- queries

    /**
     * A container by ID or unique prefix, or empty when none matches (Stop and Remove of an unknown
     * container succeed); an empty or ambiguous ID is still the caller's error.
     */
    public Optional<ContainerRecord> findIfExists(String idOrPrefix) throws JcriException {
        return store.findIfExists(idOrPrefix, "container");
    }

    public ContainerRecord find(String idOrPrefix) throws JcriException {
        return store.find(idOrPrefix, "container");
    }

    public List<ContainerRecord> list() {
        return List.copyOf(store.all());
    }

    public static Api.ContainerConfig config(ContainerRecord record) {
        try {
            return Api.ContainerConfig.parseFrom(record.config());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("container record " + record.id() + " holds an unreadable config", e);
        }
    }

    /** The container's OCI spec as written to its bundle (for verbose status), if the bundle exists. */
    public Optional<String> specJson(String id) {
        try {
            return Optional.of(Files.readString(bundle(id).resolve("config.json")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Image IDs that containers still use (so the image store can keep their layers). */
    public List<String> imagesInUse() {
        return store.all().stream().map(ContainerRecord::imageId).distinct().toList();
    }

    // ---------------------------------------------------------------- recovery

    /**
     * After a (re)start: loads records, then reconciles each with reality. Exits that happened
     * while jcri was down are in conmon's exit files; a container the runtime no longer knows and
     * that left no exit file (a reboot) is recorded as exited with code 255 ("Unknown").
     */
    public void recover() throws IOException {
        for (ContainerRecord record : store.load()) {
            names.put(record.reservationKey(), record.id());
            exitSignals.put(record.id(), new CompletableFuture<>());
            if (record.state() == ContainerState.EXITED) {
                signalExited(record.id());
                continue;
            }
            Optional<Integer> code = exits.exitCode(record.id());
            if (code.isPresent()) {
                onExit(record.id(), code.get());
                continue;
            }
            OciRuntime runtime = runtimes.get(record.runtimeHandler());
            Optional<String> runtimeState = runtime == null ? Optional.empty() : runtime.state(record.id());
            if (runtimeState.isEmpty() || runtimeState.get().equals("stopped")) {
                LOG.warn("container {} is gone without an exit status (reboot?): recording it as exited", Ids.shortId(record.id()));
                store.save(record.exited(255, Ids.nowNanos(), "Unknown", "the container's state was lost"));
                signalExited(record.id());
            } else if (runtimeState.get().equals("running") && record.state() == ContainerState.CREATED) {
                store.save(record.started(record.pid(), Ids.nowNanos())); // jcri died between runtime start and recording it
            }
        }
        exits.rescan(this::onExit);
        removeOrphanBundles();
    }

    /**
     * Bundles with no record: a crash during CreateContainer. Unmount and delete them. The others
     * are made private if an older version left them open (0755, config.json 0644).
     */
    private void removeOrphanBundles() throws IOException {
        Path dir = bundlesDir();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> bundles = Files.list(dir)) {
            for (Path b : bundles.toList()) {
                String id = b.getFileName().toString();
                if (store.get(id).isPresent()) {
                    PrivateFiles.restrict(b, PrivateFiles.DIRECTORY_MODE);
                    PrivateFiles.restrict(b.resolve("config.json"), PrivateFiles.FILE_MODE);
                } else {
                    LOG.warn("removing orphaned container bundle {}", b);
                    for (OciRuntime runtime : runtimes.values()) {
                        runtime.delete(id);
                    }
                    if (snapshots.stat(id).isPresent()) {
                        snapshots.unmount(id, b.resolve("rootfs"));
                        snapshots.remove(id);
                    }
                    Trees.deleteUnlessMounted(b);
                    Files.deleteIfExists(attachLink(id));
                }
            }
        }
        // conmon's attach links of containers whose bundle is already gone
        try (Stream<Path> links = Files.list(attachDir())) {
            for (Path link : links.toList()) {
                if (store.get(link.getFileName().toString()).isEmpty()) {
                    Files.deleteIfExists(link);
                }
            }
        }
    }

    /** The link conmon makes in the attach directory ({@code --socket-dir-path}) to the container's bundle. */
    private Path attachLink(String id) {
        return attachDir().resolve(id);
    }

    // ---------------------------------------------------------------- helpers

    private OciRuntime runtimeOf(ContainerRecord record) throws JcriException {
        OciRuntime runtime = runtimes.get(record.runtimeHandler());
        if (runtime == null) {
            throw JcriException.failedPrecondition("runtime handler " + record.runtimeHandler() + " is no longer configured");
        }
        return runtime;
    }

    /**
     * A caller's timeout, at most a century: a CRI timeout of Long.MAX_VALUE seconds means "no
     * limit", and the arithmetic on it (milliseconds, deadlines) must not overflow.
     */
    static Duration capped(Duration timeout) {
        return timeout != null && timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : timeout;
    }

    private Object lockOf(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
