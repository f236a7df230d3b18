package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.IdmappedMounts;
import dev.jcri.linux.MountFlags;
import dev.jcri.linux.MountInfo;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.NativeCallException;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.sandbox.pod.PodUserNamespace;
import dev.jcri.sandbox.spec.OciSpec;
import dev.jcri.sandbox.spec.SpecUserNamespace;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import jnr.constants.platform.Errno;

/**
 * The mounts a container of a user-namespaced pod runs from, all under {@code STATE/userns/ID}:
 * {@code layers}, an idmapped view of the image layers (the overlay's lower layers, so no layer is
 * ever chowned); {@code rootfs}, a bind of the container's mounted snapshot; and {@code mN}, an
 * idmapped view of the N-th bind mount's source (volumes and the pod's hostname, hosts,
 * resolv.conf and shm), so a file the container's root writes is owned by the same id on the node
 * as the container sees and the pod's files are the container root's own.
 *
 * <p>Why a directory of its own: runc and crun set up the root and the bind mounts from inside the
 * container's user namespace, where the node's root is nobody; they must reach these paths through
 * directories that allow it ("mount ... permission denied" otherwise, found with runc 1.1.5 and crun
 * 1.8.1). So the state directory and {@code STATE/userns} are 0711 (search, no listing) and
 * {@code STATE/userns/ID} is 0700 owned by the container's root on the node; nothing else of the
 * state directory opens up.
 */
final class UserNamespaceMounts {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UserNamespaceMounts.class);

    private final Path base;

    UserNamespaceMounts(Path state) {
        this.base = state.resolve("userns");
    }

    Path dir(String id) {
        return base.resolve(id);
    }

    /** Makes the container's directory and the idmapped layer view; the snapshot is then mounted with the result. */
    OverlaySnapshotter.IdmappedLayers prepare(String id, PodUserNamespace userns, Path usernsPin, Path layersDirectory)
            throws IOException {
        openForSearch(base.getParent());
        PrivateFiles.ensureDirectory(base, 0711);
        Path dir = PrivateFiles.createDirectories(dir(id));
        PosixFiles.chown(dir, (int) userns.rootUid(), (int) userns.rootGid());
        Path layers = PrivateFiles.createDirectories(dir.resolve("layers"));
        idmap(layers, layersDirectory, usernsPin, true, "the image layers");
        return new OverlaySnapshotter.IdmappedLayers(layers, userns.rootUid(), userns.rootGid());
    }

    /**
     * The container's spec in its pod's user namespace: the mounted snapshot at {@code rootfs} is
     * bound into the container's directory, each bind mount's source replaced by an idmapped view.
     */
    OciSpec apply(String id, OciSpec spec, Path rootfs, PodUserNamespace userns, Path usernsPin) throws IOException {
        Path dir = dir(id);
        Path root = PrivateFiles.createDirectories(dir.resolve("rootfs"));
        Mounts.bind(rootfs, root, false);
        List<OciSpec.Mount> rebound = new ArrayList<>();
        int n = 0;
        for (OciSpec.Mount m : spec.mounts()) {
            if (!SpecUserNamespace.isBind(m)) {
                continue;
            }
            Path source = Path.of(m.source());
            Path view = dir.resolve("m" + n++);
            if (Files.isDirectory(source)) {
                PrivateFiles.createDirectories(view);
            } else {
                PrivateFiles.createFile(view);
            }
            idmapRecursive(view, source, usernsPin, "the mount at " + m.destination());
            rebound.add(new OciSpec.Mount(m.destination(), m.type(), view.toString(), m.options()));
        }
        java.util.Iterator<OciSpec.Mount> next = rebound.iterator();
        return SpecUserNamespace.join(spec, usernsPin, mappings(userns.uids()), mappings(userns.gids()), root,
                m -> next.next());
    }

    /** Unmounts and deletes the container's directory. Idempotent; never deletes through a mount. */
    void release(String id) throws IOException {
        Path dir = dir(id);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<MountInfo> mounts = new ArrayList<>(MountInfo.under(dir));
        mounts.sort(Comparator.comparingInt((MountInfo m) -> m.mountPoint().getNameCount()).reversed());
        for (MountInfo m : mounts) {
            Mounts.unmountIfMounted(m.mountPoint(), MountFlags.MNT_DETACH);
        }
        dev.jcri.sandbox.util.Trees.deleteUnlessMounted(dir);
    }

    /** Containers' directories present (orphans are released at start like orphan bundles). */
    List<String> present() throws IOException {
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (var list = Files.list(base)) {
            return list.map(p -> p.getFileName().toString()).toList();
        }
    }

    /**
     * A volume's view with the mounts below its source too (a volume holding mounts shows them,
     * as the recursive bind without a user namespace does), where every one of them can be
     * idmapped; else the source mount alone, as before, and the log says so.
     */
    private static void idmapRecursive(Path target, Path source, Path usernsPin, String what) throws IOException {
        try {
            if (!IdmappedMounts.bindRecursive(source, target, usernsPin, false)) {
                LOG.warn("{} ({}): a mount below it cannot be idmapped; the container sees the source's own files only",
                        what, source);
            }
        } catch (NativeCallException e) {
            throw refusal(e, source, what);
        }
    }

    private static IOException refusal(NativeCallException e, Path source, String what) {
        if (e.is(Errno.EINVAL) || e.is(Errno.EPERM) || e.is(Errno.ENOSYS)) {
            return new JcriException(JcriException.Kind.FAILED_PRECONDITION, "cannot give the pod's user namespace "
                    + what + ": " + source + " cannot be idmapped on this node (" + e.getMessage() + ")", e);
        }
        return e;
    }

    private static void idmap(Path target, Path source, Path usernsPin, boolean readOnly, String what)
            throws IOException {
        try {
            IdmappedMounts.bind(source, target, usernsPin, readOnly);
        } catch (NativeCallException e) {
            throw refusal(e, source, what);
        }
    }

    /** The state directory must let the container's root search through it (never list it). */
    private static void openForSearch(Path dir) throws IOException {
        int mode = PosixFiles.lstat(dir).mode() & 07777;
        if ((mode & 0011) != 0011) {
            PosixFiles.chmod(dir, mode | 0011);
        }
    }

    private static List<OciSpec.IdMapping> mappings(List<dev.jcri.linux.UserNamespaces.Mapping> in) {
        return in.stream().map(m -> new OciSpec.IdMapping(m.containerId(), m.hostId(), m.length())).toList();
    }
}
