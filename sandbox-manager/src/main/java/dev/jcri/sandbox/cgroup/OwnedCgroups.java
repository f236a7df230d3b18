package dev.jcri.sandbox.cgroup;

import dev.jcri.sandbox.util.RecordStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the missing levels of a cgroup path in every hierarchy and removes them again, by
 * recorded ownership: each object's {@link CgroupClaim} names the directories jcri created that it
 * holds, and a directory is removed when its last holder releases it. An object that finds a level
 * another object's claim holds (pods under one cgroup_parent) holds it too; a level nobody claims
 * (kubelet's) is never removed. A level that still holds cgroups jcri did not make for its holders
 * (another runtime's, or an unremoved container's) is left where it is, as shared; only one still
 * holding processes is an error, kept in the claim for the next attempt.
 *
 * <p>Claims live under the state directory, which is volatile like cgroups themselves: after a
 * reboot neither exists, and no claim can name a directory some other boot's owner made.
 * Create and release run under one lock, so that two objects never decide at once about a level.
 */
final class OwnedCgroups {

    private static final Logger LOG = LoggerFactory.getLogger(OwnedCgroups.class);

    private final CgroupLayout layout;
    private final VersionControllers controllers;
    private final RecordStore<CgroupClaim> claims;
    private final Duration busyGrace;
    private final Object lock = new Object();

    /**
     * @param busyGrace how long a removal retries a cgroup that only processes keep busy: processes
     *                  on their way out (the infra process's parent, which exits after it) leave a
     *                  moment after the kill that ended them
     */
    OwnedCgroups(CgroupLayout layout, VersionControllers controllers, Path claimsDir, Duration busyGrace) {
        this.layout = layout;
        this.controllers = controllers;
        this.claims = new RecordStore<>(claimsDir, "claim.json", CgroupClaim.class, CgroupClaim::owner);
        this.busyGrace = busyGrace;
    }

    /** Reads the claims left by the previous run. */
    void load() throws IOException {
        synchronized (lock) {
            claims.load();
        }
    }

    /**
     * Makes {@code cgroupPath} exist in every hierarchy for {@code owner}: the claim is written
     * first, then the missing directories are made, parents first. On failure whatever this call
     * made is removed again.
     *
     * @return whether the path's own (deepest) level is jcri's: it existed in no hierarchy before
     *         and this call made it in every one (a level found in some hierarchy is someone else's,
     *         whose limits are theirs to set, even where jcri fills in a hierarchy they left out)
     */
    boolean create(String owner, String cgroupPath) throws IOException {
        List<String> parts = CgroupPaths.components(cgroupPath);
        synchronized (lock) {
            if (claims.get(owner).isPresent()) {
                throw new IllegalStateException(owner + " already holds cgroups: one claim per object");
            }
            Set<String> held = new LinkedHashSet<>();
            List<Hierarchy> missingIn = new ArrayList<>();
            List<Path> missing = new ArrayList<>();
            for (Hierarchy hierarchy : layout.hierarchies()) {
                Path dir = hierarchy.mountPoint();
                for (String part : parts) {
                    dir = dir.resolve(part);
                    if (!Files.isDirectory(dir)) {
                        missingIn.add(hierarchy);
                        missing.add(dir);
                        held.add(dir.toString());
                    } else if (heldByOthers(dir.toString(), owner)) {
                        held.add(dir.toString());
                    }
                }
            }
            if (held.isEmpty()) {
                return false;
            }
            CgroupClaim claim = new CgroupClaim(owner, cgroupPath, List.copyOf(held));
            claims.save(claim);
            int leavesMade = 0;
            try {
                for (int i = 0; i < missing.size(); i++) {
                    Path dir = missing.get(i);
                    try {
                        Files.createDirectory(dir);
                    } catch (FileAlreadyExistsException raced) {
                        // made by someone else since we looked (or not a directory at all): theirs, never ours to remove
                        claim = claim.withDirs(claim.dirs().stream().filter(d -> !d.equals(dir.toString())).toList());
                        claims.save(claim);
                        continue;
                    }
                    controllers.prepare(missingIn.get(i), dir);
                    if (dir.getNameCount() - missingIn.get(i).mountPoint().getNameCount() == parts.size()) {
                        leavesMade++;
                    }
                }
            } catch (IOException | RuntimeException e) {
                try {
                    release(owner);
                } catch (IOException undo) {
                    e.addSuppressed(undo);
                }
                throw e;
            }
            return leavesMade == layout.hierarchies().size();
        }
    }

    /**
     * Gives up what {@code owner} holds: each directory no other claim holds is removed, children
     * first. Idempotent; an owner without a claim has nothing to release.
     */
    void release(String owner) throws IOException {
        synchronized (lock) {
            CgroupClaim claim = claims.get(owner).orElse(null);
            if (claim == null) {
                return;
            }
            List<String> kept = new ArrayList<>();
            IOException failure = null;
            for (int i = claim.dirs().size() - 1; i >= 0; i--) {
                String dir = claim.dirs().get(i);
                if (heldByOthers(dir, owner)) {
                    continue; // shared: the other holders still live in it
                }
                Path path = Path.of(dir);
                try {
                    rmdir(path);
                } catch (FileSystemException e) {
                    // EBUSY (cgroupfs) or ENOTEMPTY: child cgroups or processes are still there
                    boolean failedBelow = kept.stream().anyMatch(k -> Path.of(k).startsWith(path));
                    List<String> children = childCgroups(path);
                    if (!failedBelow && !children.isEmpty()) {
                        LOG.info("cgroup {} stays: it holds cgroups not made for its pods ({})", path, children);
                        continue;
                    }
                    kept.addFirst(dir);
                    if (failure == null) {
                        failure = new IOException("cannot remove cgroup " + path + ": " + reason(e) + processes(path));
                    }
                }
            }
            if (kept.isEmpty()) {
                claims.delete(owner);
            } else {
                claims.save(claim.withDirs(kept));
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** Releases the claims of owners that no longer exist (their objects were removed while jcri was down). */
    void releaseAllBut(Set<String> liveOwners) {
        List<String> gone;
        synchronized (lock) {
            gone = claims.all().stream().map(CgroupClaim::owner).filter(o -> !liveOwners.contains(o)).toList();
        }
        for (String owner : gone) {
            LOG.warn("releasing the cgroups of {}, which no longer exists", owner);
            try {
                release(owner);
            } catch (IOException e) {
                LOG.error("cannot release the cgroups of {}: {}", owner, e.getMessage());
            }
        }
    }

    /**
     * Whether {@code cgroupPath}'s own level is {@code owner}'s alone in every hierarchy: the
     * level {@link #create} reported as jcri's, which no other object has come to hold since.
     */
    boolean ownsLeaf(String owner, String cgroupPath) {
        synchronized (lock) {
            List<String> dirs = claims.get(owner).filter(c -> c.cgroupPath().equals(cgroupPath))
                    .map(CgroupClaim::dirs).orElse(List.of());
            List<String> parts = CgroupPaths.components(cgroupPath);
            for (Hierarchy hierarchy : layout.hierarchies()) {
                String leaf = hierarchy.mountPoint().resolve(String.join("/", parts)).toString();
                if (!dirs.contains(leaf) || heldByOthers(leaf, owner)) {
                    return false;
                }
            }
            return !layout.hierarchies().isEmpty();
        }
    }

    /** The directories {@code owner} holds (for verbose status). */
    List<String> heldBy(String owner) {
        return claims.get(owner).map(CgroupClaim::dirs).orElse(List.of());
    }

    private boolean heldByOthers(String dir, String owner) {
        return claims.all().stream().anyMatch(c -> !c.owner().equals(owner) && c.dirs().contains(dir));
    }

    /**
     * Removes a cgroup directory (rmdir: it holds nothing but its interface files), retrying for
     * {@link #busyGrace} while it holds no child cgroups: then only processes keep it busy, and
     * dying ones leave in a moment. A directory already gone is fine.
     */
    private void rmdir(Path path) throws IOException {
        long deadline = System.nanoTime() + busyGrace.toNanos();
        long pauseMillis = 1;
        while (true) {
            try {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(path);
                }
                return;
            } catch (NoSuchFileException gone) {
                return;
            } catch (FileSystemException e) {
                if (System.nanoTime() >= deadline || !childCgroups(path).isEmpty()) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while removing cgroup " + path, e);
            }
            pauseMillis = Math.min(pauseMillis * 2, 50);
        }
    }

    private static List<String> childCgroups(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String processes(Path dir) {
        String pids = CgroupFiles.text(dir.resolve("cgroup.procs")).replace('\n', ' ');
        return pids.isEmpty() ? "" : " (processes still in it: " + pids + ")";
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    }
}
