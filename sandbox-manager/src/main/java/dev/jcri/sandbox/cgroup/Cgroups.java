package dev.jcri.sandbox.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cgroup layer's façade: the node's {@link CgroupLayout}, the driver's {@link CgroupManager}
 * for names, ownership-recorded creation and removal of pod cgroups, and the version's controller
 * classes for limits and readings. Everything below works on the layout it is given, so tests run
 * it on fixture directories.
 */
public final class Cgroups {

    private final CgroupLayout layout;
    private final CgroupManager manager;
    private final VersionControllers controllers;
    private final OwnedCgroups owned;

    /** How long removing a cgroup waits for dying processes to leave it (runc retries its rmdir likewise). */
    private static final Duration BUSY_GRACE = Duration.ofSeconds(2);

    private Cgroups(CgroupLayout layout, CgroupManager manager, Path claimsDir, Duration busyGrace) {
        this.layout = layout;
        this.manager = manager;
        this.controllers = VersionControllers.of(layout);
        this.owned = new OwnedCgroups(layout, controllers, claimsDir, busyGrace);
    }

    /**
     * The cgroups of a node with {@code layout}, named by {@code driver}, with the claims of the
     * previous run (kept in {@code claimsDir}) loaded.
     */
    public static Cgroups open(CgroupLayout layout, CgroupDriver driver, Path claimsDir) throws IOException {
        return open(layout, driver, claimsDir, BUSY_GRACE);
    }

    static Cgroups open(CgroupLayout layout, CgroupDriver driver, Path claimsDir, Duration busyGrace) throws IOException {
        Cgroups cgroups = new Cgroups(layout, CgroupManager.of(driver), claimsDir, busyGrace);
        cgroups.owned.load();
        return cgroups;
    }

    public CgroupLayout layout() {
        return layout;
    }

    public CgroupManager manager() {
        return manager;
    }

    /**
     * Makes sure the pod's cgroup_parent exists, creating what is missing for the pod (recorded
     * under {@code podId}), and applies {@code limits} to it only when jcri created it: a cgroup
     * kubelet or an earlier pod made has its limits set by them, and a second writer would fight.
     * Empty when the pod names no cgroup_parent. On failure nothing this call made is left.
     */
    public Optional<PodCgroup> createPodCgroup(String podId, String cgroupParent, CgroupLimits limits)
            throws IOException {
        String path = manager.podPath(cgroupParent);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        boolean created = owned.create(podId, path);
        if (created) {
            try {
                controllers.apply(path, limits);
            } catch (IOException | RuntimeException e) {
                try {
                    owned.release(podId);
                } catch (IOException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            }
        }
        // a level kubelet made may be missing from a hierarchy it does not use (the v2 one of a hybrid node)
        return Optional.of(new PodCgroup(path, layout.dirsOf(path).stream().filter(Files::isDirectory).toList(), created));
    }

    /**
     * New limits for a pod's cgroup (UpdatePodSandboxResources), written only where
     * {@link #createPodCgroup} wrote them: into a level jcri made for this pod alone. A level
     * kubelet made is kubelet's to resize (it does so itself before it calls the runtime).
     *
     * @return whether the limits were written
     */
    public boolean updatePodCgroup(String podId, String cgroupParent, CgroupLimits limits) throws IOException {
        String path = manager.podPath(cgroupParent);
        if (path.isEmpty() || !owned.ownsLeaf(podId, path)) {
            return false;
        }
        controllers.apply(path, limits);
        return true;
    }

    /** Removes the cgroup directories the object holds and no other object does. Idempotent. */
    public void release(String ownerId) throws IOException {
        owned.release(ownerId);
    }

    /** After a restart: releases what objects that are gone still held. */
    public void releaseAllBut(Set<String> liveOwners) {
        owned.releaseAllBut(liveOwners);
    }

    /** The directories jcri created that the object holds (verbose status). */
    public List<String> heldBy(String ownerId) {
        return owned.heldBy(ownerId);
    }

    /** Writes limits into an existing cgroup. */
    public void apply(String cgroupPath, CgroupLimits limits) throws IOException {
        controllers.apply(cgroupPath, limits);
    }

    /**
     * Reads what is asked of a cgroup, opening only the files it needs, each once; a cgroup that vanishes meanwhile
     * gives a partial or empty reading, never an error.
     */
    public CgroupStats stats(String cgroupPath, Set<Reading> readings) {
        return controllers.read(cgroupPath, readings);
    }

    /**
     * The processes in a cgroup (its cgroup.procs: thread-group leaders, as host PIDs), at most
     * {@code max} of them: the file lists every one, and a cgroup may hold millions. Read in the
     * pids hierarchy on v1 (the one a container's task count comes from), else the v2 one; empty
     * when the cgroup is gone.
     */
    public List<Long> processIds(String cgroupPath, int max) {
        Optional<Path> dir = layout.isUnified() ? layout.unified().map(h -> h.dirOf(cgroupPath))
                : layout.v1Hierarchy("pids").or(() -> layout.v1Hierarchy("memory")).map(h -> h.dirOf(cgroupPath));
        return dir.map(d -> CgroupFiles.ids(d.resolve("cgroup.procs"), max)).orElse(List.of());
    }
}
