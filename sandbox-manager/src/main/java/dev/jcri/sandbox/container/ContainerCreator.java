package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.Openat2UnavailableException;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.pod.PodPaths;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodRegistry;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.pod.PodUserNamespace;
import dev.jcri.sandbox.spec.BuiltSpec;
import dev.jcri.sandbox.spec.CdiDevices;
import dev.jcri.sandbox.spec.CdiEdits;
import dev.jcri.sandbox.spec.HostFeatures;
import dev.jcri.sandbox.spec.LogPaths;
import dev.jcri.sandbox.spec.OciSpecBuilder;
import dev.jcri.sandbox.spec.SpecInput;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.validate.ContainerConfigRules;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.Api;

/**
 * CreateContainer: a record in state CREATING first, then the writable snapshot, the OCI spec and
 * the runtime's create; the record becomes CREATED at the end. A failure at any step, and a crash
 * (found at the next start), go through the one {@link ContainerTeardown}. The pod's lock is held
 * shared throughout, so the pod cannot stop or go while one of its containers is being made.
 */
final class ContainerCreator {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerCreator.class);
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(2);

    private final ContainerRecords records;
    private final ContainerTeardown teardown;
    private final PodRegistry pods;
    private final OverlaySnapshotter snapshots;
    private final ContainerRuntimes runtimes;
    private final Cgroups cgroups;
    private final ContainerPaths paths;
    private final ContainerEvents events;
    private final UserNamespaceMounts usernsMounts;
    private final CdiDevices cdiDevices;

    ContainerCreator(ContainerRecords records, ContainerTeardown teardown, PodRegistry pods, OverlaySnapshotter snapshots,
            ContainerRuntimes runtimes, Cgroups cgroups, ContainerPaths paths, ContainerEvents events, CdiDevices cdiDevices) {
        this.cdiDevices = cdiDevices;
        this.events = events;
        this.records = records;
        this.teardown = teardown;
        this.pods = pods;
        this.snapshots = snapshots;
        this.runtimes = runtimes;
        this.cgroups = cgroups;
        this.paths = paths;
        this.usernsMounts = new UserNamespaceMounts(paths.state());
    }

    /**
     * @param volumeImages the images of the config's image mounts, by mount index (resolved by the caller)
     */
    String create(String podIdOrPrefix, Api.ContainerConfig config, ContainerImage image,
            Map<Integer, ContainerImage> volumeImages) throws IOException {
        return create(podIdOrPrefix, config, image, volumeImages, null);
    }

    /**
     * @param restore the checkpoint the container is restored from (its changes applied to the new
     *                snapshot, CRIU's images staged for StartContainer), or null for a new container
     */
    String create(String podIdOrPrefix, Api.ContainerConfig config, ContainerImage image,
            Map<Integer, ContainerImage> volumeImages, CheckpointSource restore) throws IOException {
        String podId = pods.find(podIdOrPrefix).id();
        Lock podLock = pods.lockOf(podId).readLock();
        podLock.lock();
        try {
            PodRecord pod = pods.current(podId).orElseThrow(() -> JcriException.notFound("pod sandbox", podIdOrPrefix));
            if (pod.state() != PodState.READY) {
                throw JcriException.failedPrecondition("pod sandbox " + pod.id() + " is not ready (" + pod.state() + ")");
            }
            return createIn(pod, config, image, volumeImages, restore);
        } finally {
            podLock.unlock();
        }
    }

    private String createIn(PodRecord pod, Api.ContainerConfig config, ContainerImage image,
            Map<Integer, ContainerImage> volumeImages, CheckpointSource restore) throws IOException {
        Api.PodSandboxConfig podConfig = PodRegistry.config(pod);
        ContainerConfigRules.check(config, podConfig); // before anything is made
        CdiEdits cdi = cdiDevices.resolve(config); // an unknown device is refused here too
        ContainerRuntime runtime = runtimes.forPod(pod.runtimeHandler());
        String name = config.getMetadata().getName();
        int attempt = config.getMetadata().getAttempt();
        Path logPath = LogPaths.of(podConfig.getLogDirectory(), config.getLogPath());
        String id = Ids.newId();
        records.reserve(pod.id(), name, attempt, id);
        ContainerRecord record = new ContainerRecord(id, pod.id(), name, attempt, ContainerState.CREATING, Ids.nowNanos(),
                0, 0, 0, "", "", 0, runtime.handler(), image.requested(), image.id(), image.repoDigest(),
                logPath == null ? null : logPath.toString(), 0, ImageMounts.recorded(config, volumeImages).toByteArray(), null, null);
        synchronized (records.lockOf(id)) {
            boolean created = false;
            try {
                // before anything is acquired: a kill -9 from here on is torn down at the next start; not
                // flushed (a power loss takes the container anyway, and what it leaves unrecorded is swept)
                records.saveInterim(record);
                Path bundle = PrivateFiles.createDirectories(paths.bundle(id));
                snapshots.prepare(id, image.topChainId(), Map.of(ContainerTeardown.SNAPSHOT_LABEL, id));
                if (restore != null) {
                    CheckpointRestore.applyChanges(restore, snapshots.contentDirectory(id), bundle);
                }
                PrivateFiles.createDirectories(paths.rootfs(id)); // a mount point: the snapshot's own root covers it
                PodUserNamespace userns = owned(pod, "user") ? PodUserNamespace.of(podConfig).orElse(null) : null;
                Path usernsPin = pods.paths(pod.id()).namespacePin("user");
                if (userns == null) {
                    snapshots.mount(id, paths.rootfs(id));
                } else {
                    snapshots.mount(id, paths.rootfs(id),
                            usernsMounts.prepare(id, userns, usernsPin, snapshots.layersDirectory()));
                }

                Api.ContainerConfig mounted = ImageMounts.mount(id, config, volumeImages, snapshots, paths);
                BuiltSpec spec = buildSpec(specInput(id, mounted, pod, podConfig, image), runtime);
                spec = cdi.applyTo(spec);
                if (userns != null) {
                    spec = new BuiltSpec(usernsMounts.apply(id, spec.spec(), paths.rootfs(id), userns, usernsPin),
                            spec.stopSignal(), spec.imageVolumes(), spec.user());
                }
                ImageVolumes.create(paths.rootfs(id), spec.imageVolumes(), userns == null ? -1 : (int) userns.rootUid(),
                        userns == null ? -1 : (int) userns.rootGid());
                AtomicFiles.replace(paths.config(id), spec.toJson()); // read by the runtime now; useless after a reboot

                Path log = logPath != null ? logPath : paths.defaultLog(id);
                Files.createDirectories(log.getParent());
                ContainerRuntime.CreateRequest request = new ContainerRuntime.CreateRequest(id, monitorName(podConfig, config),
                        log, config.getTty(), config.getStdin(), config.getStdinOnce());
                long pid = 0; // a restored container's process exists from StartContainer's restore on
                if (restore == null) {
                    pid = runtime.create(request, CREATE_TIMEOUT);
                } else {
                    CheckpointRestore.stage(restore, paths.restoreImages(id), request);
                }
                ContainerRecord made = record.created(pid, spec.stopSignal(), spec.user());
                records.save(made); // the one flushed write of a create: the container outlives a reboot as a record
                created = true;
                events.publish(ContainerEvents.Type.CREATED, made);
                LOG.debug("container {} bundle {}", Ids.shortId(id), bundle);
            } finally {
                if (!created) {
                    undo(record);
                }
            }
        }
        LOG.info("container {} ({}) created in pod {}", Ids.shortId(id), name, Ids.shortId(pod.id()));
        return id;
    }

    /** A failed create: the one teardown; what it cannot release stays recorded (CREATING) for the next start. */
    private void undo(ContainerRecord record) {
        try {
            teardown.tearDown(record);
        } catch (IOException | RuntimeException e) {
            LOG.error("CreateContainer {} failed and could not release everything: {}", record.id(), e.getMessage());
        }
        if (records.current(record.id()).isEmpty()) {
            records.release(record.podId(), record.name(), record.attempt(), record.id());
        }
    }

    private SpecInput specInput(String id, Api.ContainerConfig config, PodRecord pod, Api.PodSandboxConfig podConfig,
            ContainerImage image) throws JcriException {
        PodPaths podPaths = pods.paths(pod.id());
        Api.NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
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
                owned(pod, "net") ? podPaths.namespacePin("net") : null,
                owned(pod, "ipc") ? podPaths.namespacePin("ipc") : null,
                owned(pod, "uts") ? podPaths.namespacePin("uts") : null,
                pidNs, privatePid);
        SpecInput.PodFilePaths files = new SpecInput.PodFilePaths(podPaths.hostname(), podPaths.hosts(),
                podPaths.resolvConf(), owned(pod, "ipc") ? podPaths.shm() : null);
        Api.ContainerConfig restricted = config.toBuilder().setLinux(config.getLinux().toBuilder()
                .setResources(OomScores.restrict(config.getLinux().getResources()))).build();
        return new SpecInput(id, restricted, podConfig, image.config(), paths.rootfs(id), namespaces, files,
                cgroups.manager().containerCgroupsPath(podConfig.getLinux().getCgroupParent(), id),
                cgroups.layout().isUnified());
    }

    /** The spec for the pod's handler: what its runtime cannot do is refused, not written and ignored. */
    private static BuiltSpec buildSpec(SpecInput input, ContainerRuntime runtime) throws JcriException {
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

    /**
     * The PID namespace of another container of the SAME pod (ephemeral debug containers): a
     * container of another pod is refused, or any pod could join any other pod's processes.
     */
    private Path targetPidNamespace(PodRecord pod, String targetId) throws JcriException {
        String field = "config.linux.security_context.namespace_options.target_id";
        if (targetId.isEmpty()) {
            throw JcriException.invalidArgument(field, "required with pid mode TARGET");
        }
        ContainerRecord target = records.current(targetId).orElseThrow(() ->
                JcriException.invalidArgument(field, targetId + " is not a container"));
        if (!target.podId().equals(pod.id())) {
            throw JcriException.invalidArgument(field, "container " + targetId + " is not in pod " + pod.id());
        }
        if (target.state() != ContainerState.RUNNING) {
            throw JcriException.invalidArgument(field, "target container " + targetId + " is not running");
        }
        return Path.of("/proc", Long.toString(target.pid()), "ns", "pid");
    }

    private static boolean owned(PodRecord pod, String kind) {
        return pod.sharedNamespaces().contains(kind);
    }

    /** The monitor's name for the container: kubelet's naming convention, readable in ps and logs. */
    private static String monitorName(Api.PodSandboxConfig pod, Api.ContainerConfig c) {
        return "k8s_" + c.getMetadata().getName() + "_" + pod.getMetadata().getName() + "_"
                + pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getUid() + "_" + c.getMetadata().getAttempt();
    }
}
