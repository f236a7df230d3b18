package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.NativeCallException;
import dev.jcri.linux.Openat2UnavailableException;
import dev.jcri.linux.RootDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import jnr.constants.platform.Errno;

/**
 * Creates the image's VOLUME directories in a container's mounted rootfs before the runtime starts
 * it (CRI-O's default "mkdir" image volumes), so that the container finds them even in a read-only
 * rootfs.
 *
 * <p>The paths are the image's, and so are the symlinks on their way: an image with
 * {@code data -> /etc} and {@code VOLUME /data/x} gets {@code /etc/x} inside its own rootfs, as
 * the container sees it, never on the host. Every component is resolved inside the rootfs and
 * created on its parent's descriptor ({@link RootDirectory}).
 */
final class ImageVolumes {
    private static final int MODE = 0755;
    /** What an image can cause by its own layout (loops, a file on the way, a mount it names): its fault, named as such. */
    private static final Set<Integer> IMAGE_FAULTS = Set.of(Errno.ELOOP.intValue(), Errno.ENOTDIR.intValue(),
            Errno.EXDEV.intValue(), Errno.ENAMETOOLONG.intValue(), Errno.EEXIST.intValue(), Errno.EINVAL.intValue());

    private ImageVolumes() {}

    /**
     * @throws JcriException a volume that cannot be a directory in this image (INVALID_ARGUMENT)
     * @throws JcriException         openat2 is unavailable on this node (FAILED_PRECONDITION)
     */
    static void create(Path rootfs, List<String> volumes) throws IOException {
        create(rootfs, volumes, -1, -1);
    }

    /**
     * As {@link #create(Path, List)}, the directories made owned by {@code uid}:{@code gid} on the
     * node: a user-namespaced container's root (its mapped ids), so they are root's inside the
     * container as the image's own directories are, not nobody's.
     */
    static void create(Path rootfs, List<String> volumes, int uid, int gid) throws IOException {
        if (volumes.isEmpty()) {
            return;
        }
        try (RootDirectory root = RootDirectory.open(rootfs)) {
            for (String volume : volumes) {
                try {
                    root.makeDirectories(volume, MODE, uid, gid);
                } catch (Openat2UnavailableException e) {
                    throw new JcriException(JcriException.Kind.FAILED_PRECONDITION, "cannot create image volume " + volume + " safely: " + e.getMessage(), e);
                } catch (NativeCallException e) {
                    if (!IMAGE_FAULTS.contains(e.errno())) {
                        throw e;
                    }
                    throw JcriException.invalid("image.config.Volumes[\"" + volume
                            + "\"]: cannot be created inside the container's rootfs: " + e.getMessage());
                }
            }
        }
    }
}
