package dev.jcri.server.rpc;

import dev.jcri.image.Image;
import dev.jcri.image.ImageService;
import dev.jcri.image.error.ImageException;
import dev.jcri.sandbox.container.ContainerImage;
import dev.jcri.sandbox.spec.ImageConfig;
import io.grpc.Status;

/** Resolves the image of a CreateContainer request in the image store, for the container manager. */
public final class ContainerImages implements ContainerRpcs.ImageResolver {

    private final ImageService images;

    public ContainerImages(ImageService images) {
        this.images = images;
    }

    @Override
    public ContainerImage resolve(String reference) throws ImageException {
        Image image = images.find(reference).orElseThrow(() -> Status.NOT_FOUND
                .withDescription("image " + reference + " is not present: pull it first").asRuntimeException());
        if (image.topLayer() == null) {
            throw Status.FAILED_PRECONDITION.withDescription("image " + reference + " has no layers to run").asRuntimeException();
        }
        var c = image.config();
        ImageConfig config = new ImageConfig(c.entrypoint(), c.cmd(), c.env(), c.workingDir(), c.user(), c.volumes(),
                c.stopSignal(), c.labels());
        String ref = image.repoDigests().isEmpty() ? image.id() : image.repoDigests().getFirst();
        return new ContainerImage(reference, image.id(), ref, image.topLayer(), config);
    }

    /** After a container is removed, layers of images removed meanwhile may be freed. */
    public void releaseUnusedLayers() {
        images.releaseUnusedLayers();
    }
}
