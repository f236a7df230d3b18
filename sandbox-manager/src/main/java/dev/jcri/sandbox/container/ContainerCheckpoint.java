package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.util.Trees;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CheckpointContainer: dumps a running container with CRIU (through its runtime, the container
 * goes on running) and writes the {@link CheckpointArchive} to the requested location.
 *
 * <p>Everything that can be refused is refused before anything is done: {@code location}
 * (INVALID_ARGUMENT), the container (NOT_FOUND; FAILED_PRECONDITION unless running), then whether
 * CRIU works on this host ({@link CriuCheck}, asked once): a host where it does not gets
 * FAILED_PRECONDITION with criu's own words, and the container is not touched.
 */
final class ContainerCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerCheckpoint.class);

    private final ContainerRecords records;
    private final ContainerRuntimes runtimes;
    private final ContainerPaths paths;
    private final OverlaySnapshotter snapshots;
    private final Supplier<Optional<String>> criuUnsupported;

    /**
     * @param criuUnsupported why CRIU cannot checkpoint on this host, empty when it can (asked on
     *                        each call: {@link CriuCheck} caches)
     */
    ContainerCheckpoint(ContainerRecords records, ContainerRuntimes runtimes, ContainerPaths paths,
            OverlaySnapshotter snapshots, Supplier<Optional<String>> criuUnsupported) {
        this.records = records;
        this.runtimes = runtimes;
        this.paths = paths;
        this.snapshots = snapshots;
        this.criuUnsupported = criuUnsupported;
    }

    /** Checkpoints the container into an archive at {@code location} (an absolute path in an existing directory). */
    void checkpoint(String idOrPrefix, String location) throws IOException {
        Path target = requireLocation(location);
        ContainerRecord record = records.find(idOrPrefix);
        if (record.state() != ContainerState.RUNNING) {
            throw JcriException.failedPrecondition("container " + record.id() + " is not running (" + record.state()
                    + "): only a running container can be checkpointed");
        }
        Optional<String> unsupported = criuUnsupported.get();
        if (unsupported.isPresent()) {
            throw JcriException.failedPrecondition("cannot checkpoint container " + record.id()
                    + ": CRIU does not work on this host: " + unsupported.get());
        }
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw JcriException.invalidArgument("location", "its directory " + parent + " does not exist");
        }
        if (Files.isDirectory(target)) {
            throw JcriException.invalidArgument("location", target + " is a directory; it names the archive file to write");
        }
        Path imageDir = paths.bundle(record.id()).resolve("checkpoint-" + Ids.newId().substring(0, 12));
        PrivateFiles.ensureDirectory(imageDir);
        try {
            runtimes.of(record).checkpoint(record.id(), imageDir, true);
            byte[] spec = Files.readAllBytes(paths.config(record.id()));
            CheckpointArchive.write(target, imageDir, info(record), spec, snapshots.contentDirectory(record.id()));
        } finally {
            Trees.deleteUnlessMounted(imageDir);
        }
        LOG.info("container {} checkpointed to {}", Ids.shortId(record.id()), target);
    }

    private static Path requireLocation(String location) throws JcriException {
        if (location.isEmpty()) {
            throw JcriException.invalidArgument("location", "is required (the archive file to write)");
        }
        if (location.indexOf('\0') >= 0) {
            throw JcriException.invalidArgument("location", "contains a NUL byte");
        }
        Path p = Path.of(location);
        if (!p.isAbsolute()) {
            throw JcriException.invalidArgument("location", "must be an absolute path, not " + location);
        }
        return p.normalize();
    }

    private static CheckpointArchive.ContainerInfo info(ContainerRecord r) {
        return new CheckpointArchive.ContainerInfo(r.id(), r.name(), r.imageRequested(), r.imageId(), r.imageRef(),
                r.runtimeHandler(), rfc3339(r.createdAtNanos()), Instant.now().toString());
    }

    private static String rfc3339(long nanos) {
        return Instant.ofEpochSecond(0, nanos).toString();
    }
}
