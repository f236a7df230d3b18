package dev.jcri.sandbox.container;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.jcri.errors.JcriException;
import dev.jcri.linux.CapturedOutput;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.pod.PodContainers;
import dev.jcri.sandbox.pod.PodRegistry;
import dev.jcri.sandbox.util.ParsedConfigs;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import runtime.v1.Api;

/**
 * The containers of pod sandboxes, one class per verb behind this entry point:
 * {@link ContainerCreator} (CreateContainer), {@link ContainerProcesses} (Start, Stop, exits),
 * {@link ContainerTeardown} (Remove, and the one teardown of every container), {@link ContainerControl}
 * (ExecSync, ReopenContainerLog, UpdateContainerResources) and {@link ContainerRecovery}; they
 * share {@link ContainerRecords}. What runs the containers is behind {@link ContainerRuntime}.
 *
 * <p>Status and List read memory only. Exits arrive from {@link ExitWatcher} as the monitors report them.
 */
public final class ContainerManager implements PodContainers, AutoCloseable {


    private final ContainerRecords records;
    private final ContainerRuntimes runtimes;
    private final ContainerPaths paths;
    private final ContainerProcesses processes;
    private final ContainerTeardown teardown;
    private final ContainerCreator creator;
    private final ContainerControl control;
    private final ContainerRecovery recovery;
    private final ContainerCheckpoint checkpoints;
    private final ContainerRestore restores;
    private final ExitWatcher exits;
    private final ContainerEvents events = new ContainerEvents();
    private final UserNamespaceSupport userNamespaces;

    public ContainerManager(Path root, ContainerPaths paths, PodRegistry pods, OverlaySnapshotter snapshots,
            ContainerRuntimes runtimes, Cgroups cgroups, List<Path> cdiSpecDirs) throws IOException {
        this(root, paths, pods, snapshots, runtimes, cgroups, cdiSpecDirs, new CriuCheck());
    }

    /** @param criu why CRIU cannot checkpoint or restore here, empty when it can (tests give the answer) */
    ContainerManager(Path root, ContainerPaths paths, PodRegistry pods, OverlaySnapshotter snapshots,
            ContainerRuntimes runtimes, Cgroups cgroups, List<Path> cdiSpecDirs,
            java.util.function.Supplier<java.util.Optional<String>> criu) throws IOException {
        this.records = new ContainerRecords(root);
        this.runtimes = runtimes;
        this.paths = paths;
        PrivateFiles.ensureDirectory(paths.bundles());
        PrivateFiles.ensureDirectory(paths.attachDir());
        RuntimeStateReleases releases = new RuntimeStateReleases();
        this.processes = new ContainerProcesses(records, runtimes, paths, events, releases);
        this.teardown = new ContainerTeardown(records, processes, runtimes, snapshots, paths, events, releases);
        this.creator = new ContainerCreator(records, teardown, pods, snapshots, runtimes, cgroups, paths, events,
                new dev.jcri.sandbox.spec.CdiDevices(cdiSpecDirs));
        this.control = new ContainerControl(records, runtimes, paths, cgroups.layout().isUnified());
        this.recovery = new ContainerRecovery(records, processes, teardown, runtimes, paths);
        // one check for checkpoints and restores
        this.checkpoints = new ContainerCheckpoint(records, runtimes, paths, snapshots, criu);
        this.restores = new ContainerRestore(creator, criu);
        this.exits = new ExitWatcher(paths.exits(), processes::onExit);
        this.userNamespaces = new UserNamespaceSupport(snapshots.layersDirectory(), paths.state());
    }

    /** Why containers of {@code handler} cannot run in a pod's user namespace here; empty when they can. */
    @Override
    public java.util.Optional<String> userNamespacesUnsupported(String handler) {
        if (!runtimes.byHandler().containsKey(handler)) {
            return java.util.Optional.of("no runtime handler " + handler);
        }
        return userNamespaces.unsupportedReason();
    }

    // ---------------------------------------------------------------- verbs

    public String create(String podIdOrPrefix, Api.ContainerConfig config, ContainerImage image) throws IOException {
        return creator.create(podIdOrPrefix, config, image, java.util.Map.of());
    }

    /** CreateContainer with image volumes: {@code volumeImages} are the images of the image mounts, by mount index. */
    public String create(String podIdOrPrefix, Api.ContainerConfig config, ContainerImage image,
            java.util.Map<Integer, ContainerImage> volumeImages) throws IOException {
        return creator.create(podIdOrPrefix, config, image, volumeImages);
    }

    /** Whether CreateContainer's image names a checkpoint archive to restore from (a path) rather than an image. */
    public static boolean isCheckpoint(String image) {
        return CheckpointSource.named(image);
    }

    /**
     * CreateContainer of a container restored from the checkpoint archive its image names (see
     * {@link ContainerRestore}); {@code images} finds the checkpointed image, which must be pulled.
     */
    public String restore(String podIdOrPrefix, Api.ContainerConfig config, java.util.Map<Integer, ContainerImage> volumeImages,
            ContainerRestore.ImageLookup images) throws Exception {
        return restores.restore(podIdOrPrefix, config, volumeImages, images);
    }

    public void start(String idOrPrefix) throws IOException {
        processes.start(idOrPrefix);
    }

    /** Stops a container: stop signal, SIGKILL after {@code timeout}. Stopping an unknown or exited container succeeds. */
    public void stop(String idOrPrefix, Duration timeout) throws IOException {
        processes.stop(idOrPrefix, timeout);
    }

    /** Removes a container, killing it if it runs. Removing an unknown container succeeds. The log file stays. */
    public void remove(String idOrPrefix) throws IOException {
        teardown.remove(idOrPrefix);
    }

    /** Output (each stream as captured: held once, up to the caller's limit) and exit code of a command run in the container. */
    public record ExecResult(int exitCode, CapturedOutput stdout, CapturedOutput stderr, boolean timedOut) {}

    /** Runs a command in a running container (ExecSync), capturing at most {@code outputLimit} bytes per stream. */
    public ExecResult execSync(String idOrPrefix, List<String> cmd, Duration timeout, int outputLimit) throws IOException {
        ContainerRuntime.ExecOutcome o = control.execSync(idOrPrefix, cmd, timeout, outputLimit);
        return new ExecResult(o.exitCode(), o.stdout(), o.stderr(), o.timedOut());
    }

    public void reopenLog(String idOrPrefix) throws IOException {
        control.reopenLog(idOrPrefix);
    }

    public void updateResources(String idOrPrefix, Api.LinuxContainerResources resources) throws IOException {
        control.updateResources(idOrPrefix, resources);
    }

    /**
     * CheckpointContainer: the running container dumped by CRIU (it goes on running) into an archive
     * at {@code location}; FAILED_PRECONDITION with criu's reason where CRIU does not work.
     */
    public void checkpoint(String idOrPrefix, String location) throws IOException {
        checkpoints.checkpoint(idOrPrefix, location);
    }

    /** After a (re)start: see {@link ContainerRecovery}. */
    public void recover() throws IOException {
        recovery.recover(exits);
    }

    /** Waits until the bundles of the containers removed so far are deleted (they go in the background); for tests. */
    void awaitTrashEmptied() throws IOException {
        teardown.awaitTrashEmptied();
    }

    /** Stops watching for exits (the containers run on; the next start recovers their exits). */
    @Override
    public void close() throws IOException {
        exits.close();
    }

    // ---------------------------------------------------------------- the pod's containers

    @Override
    public void stopAll(String podId, Duration timeout) throws IOException {
        for (ContainerRecord c : records.inPod(podId)) {
            processes.stop(c.id(), timeout);
        }
    }

    @Override
    public void removeAll(String podId) throws IOException {
        for (ContainerRecord c : records.inPod(podId)) {
            teardown.remove(c.id());
        }
    }

    /**
     * A running container as the streaming calls need it (dev.jcri.sandbox.stream): NOT_FOUND for an
     * unknown container, FAILED_PRECONDITION for one that is not running.
     */
    public StreamTarget streamTarget(String idOrPrefix) throws IOException {
        ContainerRecord record = records.find(idOrPrefix);
        if (record.state() != ContainerState.RUNNING) {
            throw JcriException.failedPrecondition("container " + record.id() + " is not running");
        }
        return new StreamTarget(record, runtimes.of(record), paths.bundle(record.id()), paths.attachLink(record.id()));
    }

    // ---------------------------------------------------------------- queries

    /**
     * A container by ID or unique prefix, or empty when none matches (Stop and Remove of an unknown
     * container succeed); an empty or ambiguous ID is still the caller's error.
     */
    public Optional<ContainerRecord> findIfExists(String idOrPrefix) throws JcriException {
        return records.findIfExists(idOrPrefix);
    }

    public ContainerRecord find(String idOrPrefix) throws JcriException {
        return records.find(idOrPrefix);
    }

    public List<ContainerRecord> list() {
        return records.list();
    }

    private static final ParsedConfigs<Api.ContainerConfig> CONFIGS = new ParsedConfigs<>(Api.ContainerConfig.parser());

    /** The container's config, parsed once per record (List and Status calls ask for it every second). */
    public static Api.ContainerConfig config(ContainerRecord record) {
        try {
            return CONFIGS.of(record.config());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("container record " + record.id() + " holds an unreadable config", e);
        }
    }

    /** The container's OCI spec as written to its bundle (for verbose status), if the bundle exists. */
    public Optional<String> specJson(String id) {
        try {
            return Optional.of(Files.readString(paths.config(id)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Image IDs that containers still use, those being created included (so the image store keeps their layers). */
    public List<String> imagesInUse() {
        return records.all().stream().map(ContainerRecord::imageId).distinct().toList();
    }

    /** Containers' state changes as they happen (GetContainerEvents). */
    public ContainerEvents events() {
        return events;
    }

    public ContainerPaths paths() {
        return paths;
    }

}
