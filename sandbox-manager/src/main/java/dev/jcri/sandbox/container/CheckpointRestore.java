package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.json.Json;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.snapshot.layer.LayerApplier;
import dev.jcri.snapshot.layer.LowerLayers;
import dev.jcri.snapshot.tar.TarEntry;
import dev.jcri.snapshot.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The steps of restoring a container from a {@link CheckpointSource}, as CRI-O and containerd
 * split them: CreateContainer makes the container as any other (record, writable snapshot, spec
 * from the request and its pod), puts the checkpointed changes into the new snapshot
 * ({@link #applyChanges}) and stages CRIU's images in the bundle ({@link #stage}) instead of
 * calling the runtime's create; StartContainer then asks the runtime to {@code restore} from
 * them ({@link #restore}), so the container's processes come back where they were.
 *
 * <p>The archive is read again at each step and every member's name checked again (it is a file
 * anyone with access to its directory could swap between the calls); files land only inside the
 * snapshot's upper directory (through {@link LayerApplier}, which resolves every parent in that
 * root and never follows the final component) or inside the bundle's staging directory.
 */
final class CheckpointRestore {

    /** What the runtime's restore needs besides the bundle, kept beside CRIU's images until StartContainer. */
    static final String REQUEST_FILE = "restore-request.json";

    private CheckpointRestore() {}

    /**
     * Applies {@code rootfs-diff.tar} onto the container's new writable snapshot (its upper
     * directory, empty, not yet mounted) and turns {@code deleted.files} into overlay whiteouts
     * there, so the container sees its root filesystem as it was when it was checkpointed.
     */
    static void applyChanges(CheckpointSource source, Path upper, Path scratch) throws IOException {
        Path diff = scratch.resolve(CheckpointArchive.ROOTFS_DIFF);
        boolean found = extract(source.archive(), m -> m.equals(CheckpointArchive.ROOTFS_DIFF) ? Optional.of(diff) : Optional.empty());
        try {
            if (found) {
                try (InputStream in = Files.newInputStream(diff)) {
                    new LayerApplier(upper, LowerLayers.none()).apply(in);
                }
            }
        } catch (IOException e) {
            throw JcriException.invalidArgument(CheckpointSource.FIELD, "checkpoint archive " + source.archive() + ": "
                    + CheckpointArchive.ROOTFS_DIFF + " cannot be applied: " + e.getMessage());
        } finally {
            Files.deleteIfExists(diff);
        }
        if (!source.deleted().isEmpty()) {
            new LayerApplier(upper, LowerLayers.none()).apply(new ByteArrayInputStream(whiteouts(source)));
        }
    }

    /** An OCI layer of nothing but whiteouts, one per deleted path (what overlay needs to hide them). */
    private static byte[] whiteouts(CheckpointSource source) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (String p : source.deleted()) {
                int slash = p.lastIndexOf('/');
                TarArchiveEntry e = new TarArchiveEntry(p.substring(0, slash + 1) + ".wh." + p.substring(slash + 1));
                e.setSize(0);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    /** Unpacks CRIU's images into {@code imageDir} (made here, private) and writes what {@link #restore} needs beside them. */
    static void stage(CheckpointSource source, Path imageDir, ContainerRuntime.CreateRequest request) throws IOException {
        PrivateFiles.createDirectories(imageDir);
        String prefix = CheckpointArchive.IMAGE_DIR + "/";
        boolean any = extract(source.archive(), m -> m.startsWith(prefix) && m.length() > prefix.length()
                ? Optional.of(imageDir.resolve(m.substring(prefix.length()))) : Optional.empty());
        if (!any) {
            throw JcriException.invalidArgument(CheckpointSource.FIELD, "checkpoint archive " + source.archive()
                    + " lacks CRIU's images (" + prefix + ")");
        }
        Files.write(imageDir.resolveSibling(REQUEST_FILE), Json.writer().writeValueAsBytes(request));
    }

    /** Whether the container was created from a checkpoint and waits for its restore (StartContainer's question). */
    static boolean staged(Path imageDir) {
        return Files.isDirectory(imageDir) && Files.isRegularFile(imageDir.resolveSibling(REQUEST_FILE));
    }

    /** The runtime's restore from the staged images; the images are deleted afterwards, whatever the outcome. */
    static long restore(ContainerRuntime runtime, Path imageDir, Duration timeout) throws IOException {
        ContainerRuntime.CreateRequest request = Json.reader().readValue(
                Files.readAllBytes(imageDir.resolveSibling(REQUEST_FILE)), ContainerRuntime.CreateRequest.class);
        try {
            return runtime.restore(request, imageDir, timeout);
        } finally {
            dev.jcri.sandbox.util.Trees.deleteUnlessMounted(imageDir);
            Files.deleteIfExists(imageDir.resolveSibling(REQUEST_FILE));
        }
    }

    /** Where a member of the archive goes, or empty to skip it. */
    @FunctionalInterface
    private interface Placement {
        Optional<Path> of(String member) throws IOException;
    }

    /**
     * One pass over the archive, writing the members {@code placement} names (regular files,
     * parents made private), with every member checked as {@link CheckpointSource#scan} checks it.
     * Returns whether any member was written.
     */
    private static boolean extract(Path archive, Placement placement) throws IOException {
        boolean any = false;
        try (InputStream in = Files.newInputStream(archive)) {
            TarReader tar = new TarReader(in);
            for (TarEntry e = tar.next(); e != null; e = tar.next()) {
                if (tar.entryCount() > CheckpointSource.MAX_ENTRIES) {
                    throw JcriException.invalidArgument(CheckpointSource.FIELD, "checkpoint archive " + archive
                            + " has more than " + CheckpointSource.MAX_ENTRIES + " entries");
                }
                String name = CheckpointSource.memberName(archive, e);
                Optional<Path> target = e.type() == TarEntry.Type.FILE ? placement.of(name) : Optional.empty();
                if (target.isEmpty()) {
                    continue;
                }
                PrivateFiles.createDirectories(target.get().getParent());
                try (FileChannel ch = PrivateFiles.newFile(target.get(), PrivateFiles.FILE_MODE);
                        OutputStream out = Channels.newOutputStream(ch)) {
                    tar.copyContent(out);
                }
                any = true;
            }
        }
        return any;
    }
}
