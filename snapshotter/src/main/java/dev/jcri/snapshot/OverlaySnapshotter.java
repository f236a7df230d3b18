package dev.jcri.snapshot;

import dev.jcri.concurrent.KeyedLocks;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.MountFlags;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.linux.TrashDirectory;
import dev.jcri.snapshot.layer.LayerApplier;
import dev.jcri.snapshot.layer.LowerLayers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Overlayfs snapshots on a local directory: committed image layers (the {@link LayerStore} side,
 * keyed by chain ID, shared by every image with the same base), writable container snapshots and
 * read-only views on top of them, their mounts, usage, removal and garbage collection.
 *
 * <p>Layout under the root given by the caller:
 * <pre>
 *   snapshots/&lt;id&gt;/info.json   metadata ({@link SnapshotRecord}), written before publication
 *   snapshots/&lt;id&gt;/fs          a layer's contents, or a container's upper directory
 *   snapshots/&lt;id&gt;/work        overlay's work directory (writable snapshots only)
 *   staging/&lt;id&gt;               layers being applied, snapshots being made
 *   trash/&lt;id&gt;-&lt;random&gt;        removed snapshots, deleted in the background ({@link TrashDirectory})
 * </pre>
 * Everything is private to root (directories 0700, files 0600: {@link PrivateFiles}) except
 * {@code fs}, which is the root directory a container sees (0755, or what its layer says): layers
 * hold setuid binaries that a local user must not be able to reach.
 * A snapshot exists exactly when its directory is in {@code snapshots/}: it is assembled in
 * {@code staging/} and renamed into place in one step, and renamed back out before it is deleted,
 * so a crash at any moment leaves either nothing or a complete snapshot ({@link Recovery} clears
 * staging at start, and the trash is swept). A removal answers once the directory is in the trash:
 * deleting a container's upper directory file by file is the slow part of it, and nobody waits for it. Numeric ids keep overlay's option string short (see {@link OverlayMounter}).
 *
 * <p>Mount targets must lie outside the root: everything mounted inside it is treated as a
 * crash leftover at start.
 *
 * <p>Thread-safe. Work on one key is serialised ({@link KeyedLocks}: a second applyLayer of one chain
 * ID waits, then finds it done) while different keys proceed in parallel; metadata in memory is
 * guarded by one lock held only briefly, never across I/O of a layer.
 */
public final class OverlaySnapshotter implements LayerStore {
    private static final Logger log = LoggerFactory.getLogger(OverlaySnapshotter.class);
    /** A layer's or writable snapshot's {@code fs}: the container's "/" (a layer's "./" entry may change it). */
    private static final int ROOTFS_MODE = 0755;
    /**
     * How old a writable snapshot's measurement may be before a read queues a new walk: below
     * kubelet's ten-second stats period, so each of its calls sees a measurement at most one
     * period old.
     */
    static final Duration WRITABLE_USAGE_TTL = Duration.ofSeconds(5);

    private final Path root;
    private final Path snapshotsDir;
    private final Path stagingDir;
    private final boolean syncOnCommit;
    private final MetadataStore metadata = new MetadataStore();
    private final OverlayMounter overlay;
    private final KeyedLocks<String> keyLocks = new KeyedLocks<>();
    private final AtomicLong nextId;
    private final WritableUsageCache writableUsage;
    private final TrashDirectory trash;

    private final Object lock = new Object();
    private final Map<String, SnapshotRecord> byKey; // guarded by lock
    private final Map<String, Integer> pendingChildren = new HashMap<>(); // parent key -> layers being applied on it; guarded by lock

    private OverlaySnapshotter(Path root, boolean syncOnCommit) throws IOException {
        this(root, syncOnCommit, WRITABLE_USAGE_TTL, UsageCalculator::measure);
    }

    OverlaySnapshotter(Path root, boolean syncOnCommit, Duration usageTtl, WritableUsageCache.Walker walker)
            throws IOException {
        this.root = root.toAbsolutePath().normalize();
        PrivateFiles.ensureDirectory(this.root);
        this.snapshotsDir = PrivateFiles.ensureDirectory(this.root.resolve("snapshots"));
        this.stagingDir = PrivateFiles.ensureDirectory(this.root.resolve("staging"));
        this.syncOnCommit = syncOnCommit;
        this.overlay = new OverlayMounter(snapshotsDir);
        this.byKey = Recovery.run(this.root, snapshotsDir, stagingDir, metadata);
        this.trash = new TrashDirectory(this.root.resolve("trash"), "snapshot-trash", TreeDeletion::delete);
        trash.sweep();
        this.nextId = new AtomicLong(1 + byKey.values().stream().mapToLong(SnapshotRecord::id).max().orElse(0));
        this.writableUsage = new WritableUsageCache(usageTtl, walker, this::liveWritableDirectory, OverlaySnapshotter::epochNanos);
    }

    /** Opens (creating if needed) the store at {@code root} and recovers from any earlier crash. */
    public static OverlaySnapshotter open(Path root) throws IOException {
        return new OverlaySnapshotter(root, true);
    }

    /**
     * As {@link #open(Path)}; {@code syncOnCommit=false} skips the syncfs(2) after each applied
     * layer (faster, but a power loss can lose recently committed layers' data: only for tests
     * and throwaway nodes).
     */
    public static OverlaySnapshotter open(Path root, boolean syncOnCommit) throws IOException {
        return new OverlaySnapshotter(root, syncOnCommit);
    }

    public Path root() {
        return root;
    }

    // ---------------------------------------------------------------- LayerStore (image side)

    @Override
    public boolean hasLayer(String chainId) {
        synchronized (lock) {
            SnapshotRecord r = byKey.get(chainId);
            return r != null && r.kind() == SnapshotKind.COMMITTED;
        }
    }

    @Override
    public void applyLayer(String chainId, String parentChainId, InputStream uncompressedTar) throws IOException {
        requireKey(chainId);
        try (var _ = keyLocks.lock(chainId)) {
            long id;
            List<SnapshotRecord> chain;
            synchronized (lock) {
                SnapshotRecord existing = byKey.get(chainId);
                if (existing != null) {
                    if (existing.kind() != SnapshotKind.COMMITTED) {
                        throw new SnapshotExistsException(chainId, "key is taken by a " + existing.kind() + " snapshot");
                    }
                    return; // already applied (perhaps by a concurrent caller we waited for)
                }
                chain = committedChain(parentChainId);
                if (parentChainId != null) {
                    pendingChildren.merge(parentChainId, 1, Integer::sum); // parent must survive the apply
                }
                id = nextId.getAndIncrement();
            }
            try {
                commitLayer(id, chainId, parentChainId, chain, uncompressedTar);
            } finally {
                if (parentChainId != null) {
                    synchronized (lock) {
                        pendingChildren.computeIfPresent(parentChainId, (k, n) -> n == 1 ? null : n - 1);
                    }
                }
            }
        }
    }

    private void commitLayer(long id, String chainId, String parentChainId, List<SnapshotRecord> chain,
                             InputStream tar) throws IOException {
        Path staging = stagingDir.resolve(Long.toString(id));
        boolean published = false;
        try {
            PrivateFiles.createDirectories(staging);
            Path fs = PrivateFiles.createDirectory(staging.resolve("fs"), ROOTFS_MODE);
            List<Path> lowers = chain.stream().map(r -> fsDir(r.id())).toList();
            long started = System.nanoTime();
            var stats = new LayerApplier(fs, new LowerLayers(lowers)).apply(tar);
            // Counted while applying; walked only when the layer overwrote its own entries.
            Usage usage = stats.diskUsage().isPresent()
                    ? new Usage(stats.diskUsage().get().bytes(), stats.diskUsage().get().inodes())
                    : UsageCalculator.measure(fs);
            SnapshotRecord record = new SnapshotRecord(SnapshotRecord.FORMAT_VERSION, id, chainId,
                    SnapshotKind.COMMITTED, parentChainId, Map.of(), Instant.now().toString(), usage, List.of());
            if (syncOnCommit) {
                metadata.writeStaged(staging, record);
                PosixFiles.syncfs(staging); // one flush for the whole layer (its record too) instead of an fsync per file
            } else {
                metadata.write(staging, record);
            }
            publish(staging, record);
            published = true;
            log.info("applied layer {} as snapshot {}: {} entries, {} bytes on disk, {} ms", chainId, id,
                    stats.entries(), usage.bytes(), (System.nanoTime() - started) / 1_000_000);
        } finally {
            if (!published) {
                deleteQuietly(staging);
            }
        }
    }

    @Override
    public Optional<Usage> layerUsage(String chainId) {
        synchronized (lock) {
            SnapshotRecord r = byKey.get(chainId);
            return r == null || r.kind() != SnapshotKind.COMMITTED ? Optional.empty() : Optional.ofNullable(r.usage());
        }
    }

    @Override
    public boolean removeLayer(String chainId) throws IOException {
        synchronized (lock) {
            SnapshotRecord r = byKey.get(chainId);
            if (r == null) {
                return true;
            }
            if (r.kind() != SnapshotKind.COMMITTED) {
                log.warn("removeLayer({}) refused: it is a {} snapshot, not a layer", chainId, r.kind());
                return false;
            }
        }
        try {
            remove(chainId);
            return true;
        } catch (SnapshotInUseException e) {
            log.debug("layer not removed: {}", e.getMessage());
            return false;
        } catch (SnapshotNotFoundException e) {
            return true; // removed concurrently: the goal is reached
        }
    }

    // ---------------------------------------------------------------- container side

    /**
     * Creates a writable snapshot {@code key} (typically the container ID) on the committed chain
     * {@code parent} (null: an empty writable directory). Mount it with {@link #mount}.
     */
    public Snapshot prepare(String key, String parent, Map<String, String> labels) throws IOException {
        return create(key, parent, labels, SnapshotKind.ACTIVE);
    }

    /** Creates a read-only view {@code key} of the committed chain {@code parent}. */
    public Snapshot view(String key, String parent, Map<String, String> labels) throws IOException {
        if (parent == null) {
            throw new IllegalArgumentException("a view needs a parent layer");
        }
        return create(key, parent, labels, SnapshotKind.VIEW);
    }

    private Snapshot create(String key, String parent, Map<String, String> labels, SnapshotKind kind)
            throws IOException {
        requireKey(key);
        try (var _ = keyLocks.lock(key)) {
            long id;
            synchronized (lock) {
                if (byKey.containsKey(key)) {
                    throw new SnapshotExistsException(key, "snapshot already exists");
                }
                committedChain(parent);
                id = nextId.getAndIncrement();
            }
            Path staging = stagingDir.resolve(Long.toString(id));
            boolean published = false;
            try {
                PrivateFiles.createDirectories(staging);
                if (kind == SnapshotKind.ACTIVE) {
                    PrivateFiles.createDirectory(staging.resolve("fs"), ROOTFS_MODE);
                    PrivateFiles.createDirectory(staging.resolve("work"), PrivateFiles.DIRECTORY_MODE);
                }
                SnapshotRecord record = new SnapshotRecord(SnapshotRecord.FORMAT_VERSION, id, key, kind, parent,
                        labels, Instant.now().toString(), null, List.of());
                metadata.write(staging, record);
                synchronized (lock) {
                    // The parent cannot have gone: removal refuses keys with pending work... except
                    // this one, which is not yet visible as a child. Re-check under the lock.
                    if (parent != null && !byKey.containsKey(parent)) {
                        throw new SnapshotNotFoundException(parent, "parent removed while preparing " + key);
                    }
                    publishLocked(staging, record);
                }
                published = true;
                if (kind == SnapshotKind.ACTIVE) {
                    measureNewWritable(key, fsDir(id));
                }
                return record.toSnapshot();
            } finally {
                if (!published) {
                    deleteQuietly(staging);
                }
            }
        }
    }

    /**
     * Mounts snapshot {@code key} at {@code target} (an existing directory outside the root):
     * <ul>
     *   <li>writable with parents: overlay, lowerdir = the chain, upperdir/workdir = its own;</li>
     *   <li>writable without parent: a bind mount of its directory;</li>
     *   <li>view of one layer: a read-only bind mount; of several: a read-only overlay.</li>
     * </ul>
     */
    public void mount(String key, Path target) throws IOException {
        mount(key, target, null);
    }

    /**
     * Where a user-namespaced container's snapshot is mounted from: the committed layers through
     * {@code layersView}, an idmapped view of {@link #layersDirectory()} (so the image's files are
     * seen owned by the container's ids with no chown of any layer), and the writable layer
     * directly, its root directory owned by the container's root ({@code rootUid}/{@code rootGid}
     * on the host) so that the container's root can create files in "/". The upper layer cannot
     * be idmapped too: overlayfs creates its work files with the mounter's credentials (host
     * root), which an idmapped mount cannot represent (EOVERFLOW); files the container creates
     * land there owned by its host ids, as they must.
     */
    public record IdmappedLayers(Path layersView, long rootUid, long rootGid) {}

    /** The directory holding every snapshot's directory (what {@link IdmappedLayers#layersView()} maps). */
    public Path layersDirectory() {
        return snapshotsDir;
    }

    /** {@link #mount(String, Path)}, with the lower layers read through an idmapped view when {@code idmapped} is set. */
    public void mount(String key, Path target, IdmappedLayers idmapped) throws IOException {
        Path where = target.toAbsolutePath().normalize();
        if (where.startsWith(root)) {
            throw new IllegalArgumentException("mount target " + where + " is inside the snapshot root " + root);
        }
        try (var _ = keyLocks.lock(key)) {
            SnapshotRecord r;
            List<SnapshotRecord> chain;
            synchronized (lock) {
                r = require(key);
                if (r.kind() == SnapshotKind.COMMITTED) {
                    throw new IllegalArgumentException("mount a view or a writable snapshot of " + key + ", not the layer itself");
                }
                chain = committedChain(r.parent());
            }
            List<Long> lowerIds = chain.stream().map(SnapshotRecord::id).toList();
            if (idmapped != null) {
                if (r.kind() != SnapshotKind.ACTIVE) {
                    throw new IllegalArgumentException("only a writable snapshot is mounted for a user namespace: " + key);
                }
                // before the mount: overlayfs caches the root's owner when it mounts
                dev.jcri.linux.PosixFiles.lchown(fsDir(r.id()), (int) idmapped.rootUid(), (int) idmapped.rootGid());
                overlay.mountOverlay(lowerIds, r.id(), where, idmapped.layersView());
            } else if (r.kind() == SnapshotKind.ACTIVE) {
                if (lowerIds.isEmpty()) {
                    overlay.mountBind(r.id(), where, false);
                } else {
                    overlay.mountOverlay(lowerIds, r.id(), where);
                }
            } else if (lowerIds.size() == 1) {
                overlay.mountBind(lowerIds.getFirst(), where, true);
            } else {
                overlay.mountOverlay(lowerIds, null, where);
            }
            try {
                updateRecord(key, rec -> rec.withMount(where.toString()));
            } catch (IOException e) {
                Mounts.unmountIfMounted(where, MountFlags.UMOUNT_NOFOLLOW);
                throw e;
            }
        }
    }

    /** Unmounts {@code target} (if mounted) and forgets it as a mount of {@code key}. */
    public void unmount(String key, Path target) throws IOException {
        Path where = target.toAbsolutePath().normalize();
        try (var _ = keyLocks.lock(key)) {
            synchronized (lock) {
                require(key);
            }
            Mounts.unmountIfMounted(where, MountFlags.UMOUNT_NOFOLLOW);
            updateRecord(key, rec -> rec.withoutMount(where.toString()));
        }
    }

    public Optional<Snapshot> stat(String key) {
        synchronized (lock) {
            return Optional.ofNullable(byKey.get(key)).map(SnapshotRecord::toSnapshot);
        }
    }

    public List<Snapshot> list() {
        synchronized (lock) {
            return byKey.values().stream().sorted(Comparator.comparingLong(SnapshotRecord::id))
                    .map(SnapshotRecord::toSnapshot).toList();
        }
    }

    /**
     * The snapshots of one kind carrying {@code label} (with {@code value}, unless that is null),
     * oldest first. Filters before it builds anything: a container's removal asks this on a node
     * whose images hold hundreds of layers.
     */
    public List<Snapshot> labelled(SnapshotKind kind, String label, String value) {
        synchronized (lock) {
            return byKey.values().stream()
                    .filter(r -> r.kind() == kind && (value == null ? r.labels().containsKey(label) : value.equals(r.labels().get(label))))
                    .sorted(Comparator.comparingLong(SnapshotRecord::id)).map(SnapshotRecord::toSnapshot).toList();
        }
    }

    /**
     * Disk usage of one snapshot, its own directory only. Committed: stored at commit (they never
     * change). Writable: walks its upper directory now. Views: zero (no directory of their own).
     */
    public Usage usage(String key) throws IOException {
        SnapshotRecord r;
        synchronized (lock) {
            r = require(key);
        }
        return switch (r.kind()) {
            case COMMITTED -> r.usage();
            case ACTIVE -> UsageCalculator.measure(fsDir(r.id()));
            case VIEW -> new Usage(0, 0);
        };
    }

    /**
     * Disk usage of a snapshot without walking it on the caller's thread: committed layers' stored
     * usage, zero for views, and for a writable snapshot the last measurement of its upper
     * directory (queueing a new one in the background when it is older than
     * {@link #WRITABLE_USAGE_TTL}). Empty when the snapshot does not exist, or (briefly, after a
     * restart) when a writable snapshot has not been measured yet.
     */
    public Optional<MeasuredUsage> cachedUsage(String key) {
        SnapshotRecord r;
        synchronized (lock) {
            r = byKey.get(key);
        }
        if (r == null) {
            return Optional.empty();
        }
        return switch (r.kind()) {
            case COMMITTED -> Optional.ofNullable(r.usage()).map(u -> new MeasuredUsage(u, epochNanos()));
            case ACTIVE -> writableUsage.get(key);
            case VIEW -> Optional.of(new MeasuredUsage(new Usage(0, 0), epochNanos()));
        };
    }

    /** A new writable snapshot is an empty directory: measuring it costs one stat, and readers then never see it unmeasured. */
    private void measureNewWritable(String key, Path dir) {
        try {
            writableUsage.measureNow(key, dir);
        } catch (IOException e) {
            log.debug("measuring new writable snapshot {} failed: {}", key, e.toString());
        }
    }

    private Optional<Path> liveWritableDirectory(String key) {
        synchronized (lock) {
            SnapshotRecord r = byKey.get(key);
            return r == null || r.kind() != SnapshotKind.ACTIVE ? Optional.empty() : Optional.of(fsDir(r.id()));
        }
    }

    private static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Removes a snapshot of any kind. Refused with {@link SnapshotInUseException} while other
     * snapshots are built on it, a layer is being applied on it, or it is still mounted.
     */
    public void remove(String key) throws IOException {
        try (var _ = keyLocks.lock(key)) {
            removeLocked(key);
        }
    }

    /**
     * Unmounts {@code target} and removes snapshot {@code key} in one step (a container's
     * teardown): its metadata is not rewritten in between, as the directory goes anyway.
     */
    public void unmountAndRemove(String key, Path target) throws IOException {
        Path where = target.toAbsolutePath().normalize();
        try (var _ = keyLocks.lock(key)) {
            synchronized (lock) {
                require(key);
            }
            Mounts.unmountIfMounted(where, MountFlags.UMOUNT_NOFOLLOW);
            removeLocked(key);
        }
    }

    /**
     * The removal; the caller holds the key's lock, so no mount of this key comes or goes meanwhile:
     * the mount table is read outside the store's lock, which other keys' work needs.
     */
    private void removeLocked(String key) throws IOException {
        SnapshotRecord r;
        synchronized (lock) {
            r = require(key);
            requireUnused(key);
        }
        for (String target : r.mounts()) {
            if (Mounts.isMountPoint(Path.of(target))) {
                throw new SnapshotInUseException(key, "mounted at " + target);
            }
        }
        synchronized (lock) {
            requireUnused(key); // a child may have been published on a layer meanwhile
            byKey.remove(key);
        }
        writableUsage.forget(key);
        // gone in one step; the files go in the background (swept at the next start if a crash cuts it)
        trash.discard(snapshotsDir.resolve(Long.toString(r.id())));
        if (MetadataStore.durable(r)) {
            AtomicFiles.fsyncDirectory(snapshotsDir);
        }
    }

    /** Refuses the removal of a snapshot others are built on or being built on. Caller holds the lock. */
    private void requireUnused(String key) throws SnapshotInUseException {
        List<String> children = byKey.values().stream().filter(c -> key.equals(c.parent()))
                .map(SnapshotRecord::key).toList();
        if (!children.isEmpty()) {
            throw new SnapshotInUseException(key, "snapshots are built on it: " + children);
        }
        if (pendingChildren.containsKey(key)) {
            throw new SnapshotInUseException(key, "a layer is being applied on it");
        }
    }

    /** Waits until the files of every snapshot removed so far are deleted; for tests. */
    void awaitTrashEmptied() throws IOException {
        trash.awaitQueued(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Garbage collection: removes every committed layer that is not in {@code keep}, not an
     * ancestor of a kept one, and not under a writable snapshot or view. {@code keep} holds the
     * chain IDs of the layers images still reference (top layers suffice: parents are implied).
     * Returns the keys removed; layers that became busy meanwhile are skipped.
     */
    public List<String> removeUnreferenced(Set<String> keep) throws IOException {
        List<SnapshotRecord> victims = new ArrayList<>();
        synchronized (lock) {
            Set<String> reachable = new HashSet<>();
            for (SnapshotRecord r : byKey.values()) {
                if (keep.contains(r.key()) || r.kind() != SnapshotKind.COMMITTED) {
                    for (String k = r.key(); k != null && reachable.add(k); ) {
                        SnapshotRecord p = byKey.get(k);
                        k = p == null ? null : p.parent();
                    }
                }
            }
            for (SnapshotRecord r : byKey.values()) {
                if (!reachable.contains(r.key())) {
                    victims.add(r);
                }
            }
        }
        // Children before parents: a higher id is always newer than its parent.
        victims.sort(Comparator.comparingLong(SnapshotRecord::id).reversed());
        List<String> removed = new ArrayList<>();
        for (SnapshotRecord r : victims) {
            try {
                remove(r.key());
                removed.add(r.key());
            } catch (SnapshotInUseException | SnapshotNotFoundException e) {
                log.info("garbage collection skipped {}: {}", r.key(), e.getMessage());
            }
        }
        return removed;
    }

    // ---------------------------------------------------------------- internals

    /** The committed chain from {@code top} down to its base; empty for null. Caller holds the lock. */
    private List<SnapshotRecord> committedChain(String top) throws IOException {
        List<SnapshotRecord> chain = new ArrayList<>();
        for (String k = top; k != null; ) {
            SnapshotRecord r = byKey.get(k);
            if (r == null) {
                throw new SnapshotNotFoundException(k, k.equals(top) ? "parent layer not found" : "ancestor layer missing");
            }
            if (r.kind() != SnapshotKind.COMMITTED) {
                throw new IllegalArgumentException(k + " is a " + r.kind() + " snapshot; only committed layers can be parents");
            }
            chain.add(r);
            k = r.parent();
        }
        return chain;
    }

    private SnapshotRecord require(String key) throws SnapshotNotFoundException {
        SnapshotRecord r = byKey.get(key);
        if (r == null) {
            throw new SnapshotNotFoundException(key, "no such snapshot");
        }
        return r;
    }

    private void publish(Path staging, SnapshotRecord record) throws IOException {
        synchronized (lock) {
            publishLocked(staging, record);
        }
    }

    /** Renames the finished directory into snapshots/ (the moment it exists) and indexes it. */
    private void publishLocked(Path staging, SnapshotRecord record) throws IOException {
        Files.move(staging, snapshotsDir.resolve(Long.toString(record.id())), StandardCopyOption.ATOMIC_MOVE);
        if (MetadataStore.durable(record)) {
            AtomicFiles.fsyncDirectory(snapshotsDir);
        }
        byKey.put(record.key(), record);
    }

    @FunctionalInterface
    private interface RecordChange {
        SnapshotRecord apply(SnapshotRecord r);
    }

    /** Rewrites one record's metadata; caller holds the key's lock, so changes of one key don't interleave. */
    private void updateRecord(String key, RecordChange change) throws IOException {
        SnapshotRecord updated;
        synchronized (lock) {
            updated = change.apply(require(key));
        }
        metadata.write(snapshotsDir.resolve(Long.toString(updated.id())), updated);
        synchronized (lock) {
            byKey.put(key, updated);
        }
    }

    /**
     * The directory holding a snapshot's own files (a layer's diff, a container's upper dir): what
     * a container changed, for its checkpoint archive; for tests and diagnostics.
     */
    public Path contentDirectory(String key) throws SnapshotNotFoundException {
        synchronized (lock) {
            return fsDir(require(key).id());
        }
    }

    /** The writable snapshots' measurements; for tests. */
    WritableUsageCache writableUsageCache() {
        return writableUsage;
    }

    /** The mount options a chain would use; for tests and diagnostics. */
    OverlayMounter mounter() {
        return overlay;
    }

    private Path fsDir(long id) {
        return snapshotsDir.resolve(Long.toString(id)).resolve("fs");
    }

    private static void requireKey(String key) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("snapshot key must not be empty");
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            TreeDeletion.delete(dir);
        } catch (IOException e) {
            log.warn("could not remove {} (it will be removed at next start): {}", dir, e.toString());
        }
    }
}
