package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.snapshot.OverlaySnapshotter;
import dev.jcri.snapshot.Snapshot;
import dev.jcri.snapshot.SnapshotKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;

/**
 * Image volumes ({@code Mount.image}, KEP-4639): each one a read-only view snapshot of the image's
 * layer chain, mounted in the container's bundle and bind-mounted (read-only) into the container.
 * Nothing is copied: the view is the layers themselves (a bind of a one-layer image, a read-only
 * overlay of several), and it keeps them from garbage collection for as long as it exists, which
 * is until the container's teardown ({@link #release}).
 *
 * <p>A sub path is looked up inside the mounted view without following symlinks: the view is
 * read-only, so what is checked is what is mounted, and a link in the image cannot point the
 * runtime's bind at a host path.
 */
final class ImageMounts {

    /** The label of an image volume's view: the container that holds it. */
    static final String VIEW_LABEL = "jcri.container.image-volume";

    private ImageMounts() {}

    /** The config as recorded: each image mount's image names the resolved image ID (what its status reports). */
    static Api.ContainerConfig recorded(Api.ContainerConfig config, Map<Integer, ContainerImage> images) {
        Api.ContainerConfig.Builder b = config.toBuilder();
        images.forEach((i, image) -> {
            Api.ImageSpec.Builder spec = b.getMountsBuilder(i).getImageBuilder();
            if (spec.getUserSpecifiedImage().isEmpty()) {
                spec.setUserSpecifiedImage(spec.getImage());
            }
            spec.setImage(image.id());
        });
        return b.build();
    }

    /**
     * Makes a view of each image and mounts it; returns the config the spec is built from, where
     * each image mount is a read-only bind of its view (or the sub path in it).
     *
     * @throws JcriException a sub path the image does not have, or one through a symlink (INVALID_ARGUMENT)
     */
    static Api.ContainerConfig mount(String id, Api.ContainerConfig config, Map<Integer, ContainerImage> images,
            OverlaySnapshotter snapshots, ContainerPaths paths) throws IOException {
        Api.ContainerConfig.Builder b = config.toBuilder();
        for (var e : images.entrySet()) {
            int i = e.getKey();
            String key = key(id, i);
            Path target = PrivateFiles.createDirectories(target(paths, id, i));
            snapshots.view(key, e.getValue().topChainId(), Map.of(VIEW_LABEL, id));
            snapshots.mount(key, target);
            Api.Mount.Builder m = b.getMountsBuilder(i);
            Path source = subPath(target, m.getImageSubPath(), "config.mounts[" + i + "].image_sub_path");
            m.clearImage().clearImageSubPath().setHostPath(source.toString()).setReadonly(true);
        }
        return b.build();
    }

    private static Path subPath(Path root, String sub, String field) throws JcriException {
        Path p = root;
        for (String part : sub.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            p = p.resolve(part);
            if (Files.isSymbolicLink(p)) {
                throw JcriException.invalidArgument(field, "\"" + sub + "\" goes through a symlink in the image (" + part + ")");
            }
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                throw JcriException.invalidArgument(field, "\"" + sub + "\" does not exist in the image");
            }
        }
        return p;
    }

    /** Unmounts and removes every view the container holds. Idempotent. */
    static void release(String id, OverlaySnapshotter snapshots, ContainerPaths paths) throws IOException {
        for (Snapshot s : heldBy(id, snapshots)) {
            snapshots.unmount(s.key(), targetOf(paths, id, s.key()));
            snapshots.remove(s.key());
        }
    }

    /** The views containers hold (for the sweep of what no record owns). */
    static List<Snapshot> all(OverlaySnapshotter snapshots) {
        return snapshots.labelled(SnapshotKind.VIEW, VIEW_LABEL, null);
    }

    private static List<Snapshot> heldBy(String id, OverlaySnapshotter snapshots) {
        return snapshots.labelled(SnapshotKind.VIEW, VIEW_LABEL, id);
    }

    private static String key(String id, int index) {
        return id + "-image-volume-" + index;
    }

    private static Path target(ContainerPaths paths, String id, int index) {
        return paths.bundle(id).resolve("image-volumes").resolve(Integer.toString(index));
    }

    private static Path targetOf(ContainerPaths paths, String id, String key) {
        return target(paths, id, Integer.parseInt(key.substring(key.lastIndexOf('-') + 1)));
    }
}
