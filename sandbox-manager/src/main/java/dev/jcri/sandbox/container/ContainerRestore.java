package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import runtime.v1.Api;

/**
 * CreateContainer whose image is a checkpoint archive (the path CheckpointContainer wrote to, as
 * kubelet and CRI-O/containerd pass it back): the archive is read and checked first
 * ({@link CheckpointSource}, INVALID_ARGUMENT naming {@code config.image.image}), then whether
 * CRIU works on this host (FAILED_PRECONDITION with criu's own reason where it does not, nothing
 * made), then the checkpointed image must be pulled here (NOT_FOUND otherwise); only then is the
 * container made, as any other plus the checkpoint's changes ({@link CheckpointRestore}), and
 * StartContainer restores its processes.
 */
public final class ContainerRestore {

    /** Finds a pulled image by reference (the image service's lookup; NOT_FOUND when it is not pulled). */
    @FunctionalInterface
    public interface ImageLookup {
        ContainerImage resolve(String reference) throws Exception;
    }

    private final ContainerCreator creator;
    private final Supplier<Optional<String>> criuUnsupported;

    ContainerRestore(ContainerCreator creator, Supplier<Optional<String>> criuUnsupported) {
        this.creator = creator;
        this.criuUnsupported = criuUnsupported;
    }

    String restore(String podIdOrPrefix, Api.ContainerConfig config, Map<Integer, ContainerImage> volumeImages,
            ImageLookup images) throws Exception {
        CheckpointSource source = CheckpointSource.scan(config.getImage().getImage());
        Optional<String> unsupported = criuUnsupported.get();
        if (unsupported.isPresent()) {
            throw JcriException.failedPrecondition("cannot restore from checkpoint " + source.archive()
                    + ": CRIU does not work on this host: " + unsupported.get());
        }
        ContainerImage image = images.resolve(source.imageRef());
        return creator.create(podIdOrPrefix, source.applyTo(config), image, volumeImages, source);
    }
}
