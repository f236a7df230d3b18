package dev.jcri.sandbox.container;

import dev.jcri.linux.IdmappedMounts;
import dev.jcri.linux.MountFlags;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.linux.UserNamespaces;
import dev.jcri.sandbox.util.Trees;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node can run user-namespaced pods, found out by doing it once, as a pod would: a
 * mapped user namespace pinned under the state directory, and idmapped views of the image layers'
 * directory (root) and of the state directory (where pods' shm and the containers' views live).
 * Asked once, lazily; the answer (or the reason it is no) backs both what Status advertises per
 * handler and the FAILED_PRECONDITION of a RunPodSandbox that asks anyway.
 *
 * <p>The handlers: runc 1.1.5 and crun 1.8.1 both run a container that joins a pinned user
 * namespace (given its path and, for runc, its mappings) from idmapped mounts made beforehand;
 * neither needs to idmap anything itself. So a handler's answer is the node's.
 */
public final class UserNamespaceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(UserNamespaceSupport.class);

    private final Path layersDirectory;
    private final Path state;
    private volatile Optional<String> missing;

    public UserNamespaceSupport(Path layersDirectory, Path state) {
        this.layersDirectory = layersDirectory;
        this.state = state;
    }

    /** Empty when user-namespaced pods work here, else why not. */
    public Optional<String> unsupportedReason() {
        Optional<String> known = missing;
        if (known == null) {
            synchronized (this) {
                known = missing;
                if (known == null) {
                    known = probe();
                    missing = known;
                    known.ifPresent(why -> LOG.warn("user namespaces are not available for pods: {}", why));
                }
            }
        }
        return known;
    }

    /**
     * runc and crun set up a container's root from inside its user namespace, where jcri's
     * directories are others' (see {@link UserNamespaceMounts}): every directory above the state
     * directory must let others search it. jcri opens the state directory itself, never its parents.
     */
    static Optional<String> closedAncestor(Path state) {
        for (Path p = state.toAbsolutePath().normalize().getParent(); p != null; p = p.getParent()) {
            try {
                int mode = dev.jcri.linux.PosixFiles.lstat(p).mode();
                if ((mode & 0001) == 0) {
                    return Optional.of(p + " (above the state directory) is mode 0" + Integer.toOctalString(mode & 07777)
                            + ": the containers' root must search through it (give others x, e.g. 0711)");
                }
            } catch (IOException e) {
                return Optional.of("cannot stat " + p + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    private Optional<String> probe() {
        Optional<String> closed = closedAncestor(state);
        if (closed.isPresent()) {
            return closed;
        }
        Path dir = state.resolve("userns-probe");
        Path pin = dir.resolve("user");
        Path layers = dir.resolve("layers");
        Path volatileView = dir.resolve("state");
        try {
            PrivateFiles.createDirectories(layers);
            PrivateFiles.createDirectories(volatileView);
            UserNamespaces.Mapping nobody = new UserNamespaces.Mapping(0, 65534, 1);
            UserNamespaces.createPinned(List.of(), Map.of("user", pin), List.of(nobody), List.of(nobody));
            IdmappedMounts.bind(layersDirectory, layers, pin, true);
            IdmappedMounts.bind(state, volatileView, pin, true);
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("the kernel cannot make the idmapped mounts they need: " + e.getMessage());
        } finally {
            try {
                for (Path p : List.of(volatileView, layers, pin)) {
                    Mounts.unmountIfMounted(p, MountFlags.MNT_DETACH);
                }
                Trees.deleteUnlessMounted(dir);
            } catch (IOException e) {
                LOG.warn("could not clean up the user namespace probe at {}: {}", dir, e.getMessage());
            }
        }
    }
}
