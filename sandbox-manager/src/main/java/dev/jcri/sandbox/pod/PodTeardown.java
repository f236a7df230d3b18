package dev.jcri.sandbox.pod;

import dev.jcri.concurrent.Concurrently;
import dev.jcri.linux.MountFlags;
import dev.jcri.linux.MountInfo;
import dev.jcri.linux.Mounts;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.util.Teardown;
import dev.jcri.sandbox.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StopPodSandbox, RemovePodSandbox, and the one release of everything a pod holds, which a removal,
 * a RunPodSandbox that failed at any step and one a crash cut (state CREATING at the next start)
 * all go through: every step is idempotent and runs, and the record goes last, only when all
 * succeeded, so nothing is forgotten while something is left.
 */
final class PodTeardown {

    private static final Logger LOG = LoggerFactory.getLogger(PodTeardown.class);

    private final PodRegistry registry;
    private final PodNetwork network;
    private final Cgroups cgroups;
    private final PodContainers containers;

    PodTeardown(PodRegistry registry, PodNetwork network, Cgroups cgroups, PodContainers containers) {
        this.registry = registry;
        this.network = network;
        this.cgroups = cgroups;
        this.containers = containers;
    }

    /**
     * Stops a sandbox: its containers, its infra process, its network and network namespace.
     * Idempotent; the record and files stay until RemovePodSandbox.
     */
    void stop(String idOrPrefix) throws IOException {
        Optional<PodRecord> found = registry.findIfExists(idOrPrefix);
        if (found.isEmpty()) {
            return; // kubelet may stop a sandbox it already removed: the CRI asks Stop to be idempotent
        }
        Lock lock = registry.lockOf(found.get().id()).writeLock();
        lock.lock();
        try {
            Optional<PodRecord> current = registry.current(found.get().id());
            if (current.isPresent()) {
                stopLocked(current.get());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops a pod whose lock the caller holds (or that recovery owns alone). The infra process is
     * killed while the network is detached: its namespace is pinned by a bind mount and outlives
     * the process, and both mostly wait (on its death, on the CNI plugins).
     *
     * <p>STOPPED is saved without a flush, as STOPPING is: a kill -9 loses nothing, and after a
     * power loss the older state (READY or STOPPING) comes back to a node that rebooted, whose
     * recovery stops such a pod again (its namespace pin is gone) with the same idempotent steps.
     */
    PodRecord stopLocked(PodRecord record) throws IOException {
        if (record.state() == PodState.READY) {
            record = record.withState(PodState.STOPPING);
            registry.saveInterim(record);
        }
        // kubelet stops containers first with their grace periods; whatever still runs is killed now
        containers.stopAll(record.id(), Duration.ZERO);
        List<Concurrently.Task> steps = new ArrayList<>(2);
        InfraProcess.Handle infra = record.infra();
        if (infra != null) {
            steps.add(() -> InfraProcess.kill(infra));
        }
        PodRecord stopping = record;
        if (record.state() != PodState.STOPPED && record.sharedNamespaces().contains("net")) {
            // kubelet repeats StopPodSandbox: the network goes once (a failure leaves STOPPING, so a retry repeats it)
            steps.add(() -> {
                Path pin = registry.paths(stopping.id()).namespacePin("net");
                network.detach(stopping.id(), pin, PodRegistry.config(stopping));
                NamespacePins.destroy(pin);
            });
        }
        Concurrently.run(steps);
        if (record.state() != PodState.STOPPED) {
            record = record.withState(PodState.STOPPED);
            registry.saveInterim(record);
            LOG.info("pod sandbox {} stopped", Ids.shortId(record.id()));
        }
        return record;
    }

    /** Removes a sandbox, stopping it and removing its containers first. Removing an unknown sandbox succeeds. */
    void remove(String idOrPrefix) throws IOException {
        Optional<PodRecord> found = registry.findIfExists(idOrPrefix);
        if (found.isEmpty()) {
            return;
        }
        String id = found.get().id();
        Lock lock = registry.lockOf(id).writeLock();
        lock.lock();
        try {
            Optional<PodRecord> current = registry.current(id);
            if (current.isEmpty()) {
                return;
            }
            PodRecord stopped = stopLocked(current.get());
            containers.removeAll(id);
            release(stopped, false);
        } finally {
            lock.unlock();
        }
        LOG.info("pod sandbox {} removed", Ids.shortId(id));
    }

    /**
     * Releases everything of a pod (its containers are gone already) and forgets it.
     *
     * @param detachNetwork whether the network may still be attached: a pod that was being
     *                      created (a crash cut it, or its network step was reached); a stopped
     *                      pod's network went with its stop
     */
    void release(PodRecord record, boolean detachNetwork) throws IOException {
        PodPaths paths = registry.paths(record.id());
        Teardown steps = new Teardown("pod sandbox " + Ids.shortId(record.id()));
        if (record.infra() != null) {
            steps.step("infra process", () -> InfraProcess.kill(record.infra()));
        }
        if (record.state() == PodState.CREATING) {
            // started, but cut before its handle was saved
            steps.step("unrecorded infra process", () -> InfraProcess.killUnrecorded(record.id()));
        }
        if (detachNetwork && record.sharedNamespaces().contains("net")) {
            steps.step("network", () -> network.detach(record.id(), paths.namespacePin("net"), PodRegistry.config(record)));
        }
        steps.step("shm", () -> unmountShm(paths))
                .step("namespaces", () -> releaseNamespaces(paths))
                .step("cgroups", () -> cgroups.release(record.id()))
                .run();
        registry.forget(record);
        deleteDirectories(paths);
    }

    static void unmountShm(PodPaths paths) throws IOException {
        Mounts.unmountIfMounted(paths.shm(), MountFlags.MNT_DETACH);
        Files.deleteIfExists(paths.shm());
    }

    private static void releaseNamespaces(PodPaths paths) throws IOException {
        for (String kind : NamespacePins.KINDS) {
            NamespacePins.destroy(paths.namespacePin(kind));
        }
    }

    /** The pod's directories, once its record is gone (a directory left is swept at the next start). */
    static void deleteDirectories(PodPaths paths) throws IOException {
        unmountAllUnder(paths.stateDir());
        Trees.deleteUnlessMounted(paths.stateDir());
        Trees.deleteUnlessMounted(paths.rootDir());
    }

    static void unmountAllUnder(Path dir) throws IOException {
        for (MountInfo m : MountInfo.under(dir)) {
            Mounts.unmountIfMounted(m.mountPoint(), MountFlags.MNT_DETACH);
        }
    }
}
