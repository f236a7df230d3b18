package dev.jcri.sandbox.container;

import dev.jcri.linux.PrivateFiles;
import dev.jcri.linux.TrashDirectory;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.util.Teardown;
import dev.jcri.sandbox.util.Trees;
import dev.jcri.snapshot.OverlaySnapshotter;
import dev.jcri.snapshot.Snapshot;
import dev.jcri.snapshot.SnapshotKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RemoveContainer, and the one teardown every way a container ends goes through: its removal, a
 * CreateContainer that failed at any step, one a crash cut (found at the next start in state
 * CREATING), and leftovers no record owns. Each step is idempotent and all of them run; the record
 * goes last, only when every step succeeded, so a step that fails is retried by the next attempt.
 */
final class ContainerTeardown {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerTeardown.class);
    /** The label a container's writable snapshot carries: the container's ID. */
    static final String SNAPSHOT_LABEL = "jcri.container";

    private final ContainerRecords records;
    private final ContainerProcesses processes;
    private final ContainerRuntimes runtimes;
    private final OverlaySnapshotter snapshots;
    private final ContainerPaths paths;
    private final ContainerEvents events;
    private final UserNamespaceMounts usernsMounts;

    private final RuntimeStateReleases releases;
    private final TrashDirectory bundleTrash;

    ContainerTeardown(ContainerRecords records, ContainerProcesses processes, ContainerRuntimes runtimes,
            OverlaySnapshotter snapshots, ContainerPaths paths, ContainerEvents events, RuntimeStateReleases releases) {
        this.releases = releases;
        this.events = events;
        this.records = records;
        this.processes = processes;
        this.runtimes = runtimes;
        this.snapshots = snapshots;
        this.paths = paths;
        this.usernsMounts = new UserNamespaceMounts(paths.state());
        this.bundleTrash = new TrashDirectory(paths.bundleTrash(), "bundle-trash", Trees::deleteUnlessMounted);
    }

    /** Removes a container, killing it if it runs. Removing an unknown container succeeds. The log file stays. */
    void remove(String idOrPrefix) throws IOException {
        Optional<ContainerRecord> found = records.findForRemoval(idOrPrefix);
        if (found.isEmpty()) {
            return;
        }
        String id = found.get().id();
        processes.stop(id, Duration.ZERO);
        synchronized (records.lockOf(id)) {
            Optional<ContainerRecord> current = records.current(id);
            if (current.isEmpty()) {
                return;
            }
            ContainerRecord removing = current.get();
            if (removing.state() != ContainerState.REMOVING) {
                removing = removing.removing();
                // from here a kill -9 is finished at the next start, a failure by a retry; not flushed: after a
                // power loss the older state comes back, and the removal (idempotent) runs again when asked
                records.saveInterim(removing);
                events.publish(ContainerEvents.Type.DELETED, current.get());
            }
            tearDown(removing);
        }
        LOG.info("container {} removed", Ids.shortId(id));
    }

    /**
     * Releases everything of one container and forgets it; the caller holds the container's lock
     * (or is alone: recovery). A container that never finished creating also loses the log file
     * its monitor may have opened, unless another container's record names the same file.
     */
    void tearDown(ContainerRecord record) throws IOException {
        String id = record.id();
        Optional<ContainerRuntime> runtime = runtimes.ofIfConfigured(record);
        Teardown steps = new Teardown("container " + Ids.shortId(id))
                .step("runtime state", () -> {
                    releases.awaitInProgress(id); // the exit's own delete, usually done already
                    if (runtime.isPresent()) {
                        runtime.get().delete(id);
                    } else {
                        deleteFromEveryRuntime(id);
                    }
                })
                .step("user namespace mounts", () -> usernsMounts.release(id))
                .step("writable layer", () -> releaseSnapshot(id))
                .step("image volumes", () -> ImageMounts.release(id, snapshots, paths))
                .step("bundle", () -> discardBundle(paths.bundle(id)))
                .step("exit report", () -> Files.deleteIfExists(paths.exitFile(id)))
                .step("attach link", () -> Files.deleteIfExists(paths.attachLink(id)));
        if (record.state() == ContainerState.CREATING && record.logPath() != null && !logShared(record)) {
            steps.step("log of a failed create", () -> Files.deleteIfExists(Path.of(record.logPath())));
        }
        steps.run();
        records.forget(record);
    }

    private boolean logShared(ContainerRecord record) {
        return records.all().stream().anyMatch(c -> !c.id().equals(record.id()) && record.logPath().equals(c.logPath()));
    }

    private void deleteFromEveryRuntime(String id) throws IOException {
        for (ContainerRuntime r : runtimes.all()) {
            r.delete(id);
        }
    }

    /**
     * The rootfs is unmounted here, not in the background: the mount pins the snapshot's upper
     * directory, and a snapshot must be unmounted before it is removed (its key, the container ID,
     * is free again once this returns). With the upper layer mounted volatile the unmount does not
     * flush anything, so it is cheap.
     */
    private void releaseSnapshot(String id) throws IOException {
        // a teardown cut after the snapshot went (crash, I/O error) must be able to finish later
        if (snapshots.stat(id).isPresent()) {
            snapshots.unmountAndRemove(id, paths.rootfs(id));
        }
    }

    /**
     * The bundle leaves its name in one rename and its files go in the background: nothing may be
     * mounted below it (that would be deleted through), so that is checked first, and a bundle
     * that still holds a mount fails this step (the record stays; a retry or the next start
     * finishes). A crash leaves the trash to the sweep at the next start.
     */
    private void discardBundle(Path bundle) throws IOException {
        Trees.requireNothingMounted(bundle);
        bundleTrash.discard(bundle);
    }

    /** Waits until the files of every bundle discarded so far are deleted; for tests. */
    void awaitTrashEmptied() throws IOException {
        bundleTrash.awaitQueued(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * What no record owns, left by older versions or by a crash between steps that records
     * cannot see: bundles (and the bundle trash a crash left), writable snapshots labelled as a
     * container's, attach links. Bundles of known containers are made private if an older version left them open.
     */
    void sweepOrphans() throws IOException {
        bundleTrash.sweep();
        Path dir = PrivateFiles.ensureDirectory(paths.bundles());
        try (Stream<Path> bundles = Files.list(dir)) {
            for (Path b : bundles.toList()) {
                String id = b.getFileName().toString();
                if (records.current(id).isPresent()) {
                    PrivateFiles.restrict(b, PrivateFiles.DIRECTORY_MODE);
                    PrivateFiles.restrict(paths.config(id), PrivateFiles.FILE_MODE);
                } else {
                    LOG.warn("removing orphaned container bundle {}", b);
                    new Teardown("orphaned bundle " + id)
                            .step("runtime state", () -> deleteFromEveryRuntime(id))
                            .step("user namespace mounts", () -> usernsMounts.release(id))
                            .step("writable layer", () -> releaseSnapshot(id))
                            .step("image volumes", () -> ImageMounts.release(id, snapshots, paths))
                            .step("bundle", () -> Trees.deleteUnlessMounted(b))
                            .step("attach link", () -> Files.deleteIfExists(paths.attachLink(id)))
                            .run();
                }
            }
        }
        for (String id : usernsMounts.present()) {
            if (records.current(id).isEmpty()) {
                LOG.warn("removing the user namespace mounts of container {}, which no record owns", Ids.shortId(id));
                usernsMounts.release(id);
            }
        }
        for (Snapshot s : snapshots.labelled(SnapshotKind.ACTIVE, SNAPSHOT_LABEL, null)) {
            String owner = s.labels().get(SNAPSHOT_LABEL);
            if (records.current(owner).isEmpty()) {
                LOG.warn("removing the writable layer of container {}, which no record owns", Ids.shortId(owner));
                releaseSnapshot(s.key());
            }
        }
        for (Snapshot s : ImageMounts.all(snapshots)) {
            String owner = s.labels().get(ImageMounts.VIEW_LABEL);
            if (records.current(owner).isEmpty()) {
                LOG.warn("removing the image volumes of container {}, which no record owns", Ids.shortId(owner));
                ImageMounts.release(owner, snapshots, paths);
            }
        }
        try (Stream<Path> links = Files.list(PrivateFiles.ensureDirectory(paths.attachDir()))) {
            for (Path link : links.toList()) {
                if (records.current(link.getFileName().toString()).isEmpty()) {
                    Files.deleteIfExists(link);
                }
            }
        }
    }
}
