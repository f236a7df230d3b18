package dev.jcri.sandbox.container;

import dev.jcri.json.Json;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The checkpoint archive a CheckpointContainer writes to {@code location}, laid out as CRI-O and
 * Podman lay theirs out so that the tools that read those (checkpointctl, a restore by another
 * engine) read this one: an uncompressed tar holding
 * <ul>
 *   <li>{@code checkpoint/} — CRIU's image files (and its dump.log);</li>
 *   <li>{@code config.dump} — JSON about the container: id, name, image, runtime, times;</li>
 *   <li>{@code spec.dump} — the container's OCI spec (its config.json);</li>
 *   <li>{@code rootfs-diff.tar} — what the container changed in its root filesystem: the files of
 *       its overlay upper directory, a tar inside the tar;</li>
 *   <li>{@code deleted.files} — JSON list of the paths it deleted (overlay whiteouts, which a tar
 *       of the upper directory cannot carry as such).</li>
 * </ul>
 * Every name in the archive is relative; symlinks are stored as links, never followed.
 */
public final class CheckpointArchive {

    public static final String IMAGE_DIR = "checkpoint";
    public static final String CONFIG_DUMP = "config.dump";
    public static final String SPEC_DUMP = "spec.dump";
    public static final String ROOTFS_DIFF = "rootfs-diff.tar";
    public static final String DELETED_FILES = "deleted.files";

    private CheckpointArchive() {}

    /**
     * What config.dump says about the container (the field names CRI-O and Podman use).
     *
     * @param createdTime      RFC 3339, when the container was created
     * @param checkpointedTime RFC 3339, when the checkpoint was taken
     */
    public record ContainerInfo(String id, String name, String rootfsImage, String rootfsImageRef,
            String rootfsImageName, String runtime, String createdTime, String checkpointedTime) {

        byte[] toJson() throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("name", name);
            m.put("rootfsImage", rootfsImage);
            m.put("rootfsImageRef", rootfsImageRef);
            m.put("rootfsImageName", rootfsImageName);
            m.put("runtime", runtime);
            m.put("createdTime", createdTime);
            m.put("checkpointedTime", checkpointedTime);
            return Json.writer().writeValueAsBytes(m);
        }
    }

    /**
     * Writes the archive to {@code target} atomically (a temp file beside it, renamed): a failed
     * or cut write leaves no half archive under the name kubelet reports.
     *
     * @param imageDir the directory CRIU dumped into
     * @param spec     the container's config.json
     * @param upperDir the container's overlay upper directory
     */
    public static void write(Path target, Path imageDir, ContainerInfo info, byte[] spec, Path upperDir)
            throws IOException {
        List<String> deleted = new ArrayList<>();
        AtomicFiles.write(target, out -> {
            try (TarArchiveOutputStream tar = tarOf(out)) {
                addTree(tar, imageDir, IMAGE_DIR + "/", null);
                addBytes(tar, CONFIG_DUMP, info.toJson());
                addBytes(tar, SPEC_DUMP, spec);
                Path diff = Files.createTempFile(target.toAbsolutePath().getParent(), AtomicFiles.TEMP_PREFIX + "rootfs-diff", ".tar");
                try {
                    try (OutputStream diffOut = Files.newOutputStream(diff); TarArchiveOutputStream inner = tarOf(diffOut)) {
                        addTree(inner, upperDir, "", deleted);
                    }
                    addFile(tar, ROOTFS_DIFF, diff);
                } finally {
                    Files.deleteIfExists(diff);
                }
                addBytes(tar, DELETED_FILES, Json.writer().writeValueAsBytes(deleted));
            }
        });
    }

    /**
     * Unpacks an archive into {@code into} (an empty directory): CRIU's images under
     * {@code checkpoint/}, the other members as files. Names that would leave {@code into}
     * (absolute, {@code ..}) and anything but files and directories are refused.
     */
    public static void read(Path archive, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (InputStream in = Files.newInputStream(archive); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                Path dest = root.resolve(e.getName()).normalize();
                if (Path.of(e.getName()).isAbsolute() || !dest.startsWith(root) || dest.equals(root)) {
                    throw new IOException("checkpoint archive " + archive + ": entry " + e.getName() + " leaves the archive");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(dest);
                } else if (e.getLinkFlag() == TarArchiveEntry.LF_NORMAL || e.getLinkFlag() == TarArchiveEntry.LF_OLDNORM) {
                    Files.createDirectories(dest.getParent());
                    Files.copy(tar, dest);
                } else {
                    throw new IOException("checkpoint archive " + archive + ": entry " + e.getName() + " is not a file or directory");
                }
            }
        }
    }

    /** The paths a container deleted, as {@link #DELETED_FILES} in an unpacked archive lists them. */
    public static List<String> deletedFiles(Path unpacked) throws IOException {
        return List.of(Json.reader().readValue(Files.readAllBytes(unpacked.resolve(DELETED_FILES)), String[].class));
    }

    private static TarArchiveOutputStream tarOf(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    private static void addBytes(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(0600);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void addFile(TarArchiveOutputStream tar, String name, Path file) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(Files.size(file));
        e.setMode(0600);
        tar.putArchiveEntry(e);
        Files.copy(file, tar);
        tar.closeArchiveEntry();
    }

    /**
     * Adds a directory tree under {@code prefix}: directories, regular files and symlinks with their
     * mode and owner. Overlay whiteouts (character devices 0:0) go to {@code whiteouts} when given;
     * other special files (sockets, fifos, devices) are not part of a checkpoint and are skipped.
     */
    private static void addTree(TarArchiveOutputStream tar, Path dir, String prefix, List<String> whiteouts)
            throws IOException {
        if (!prefix.isEmpty()) {
            TarArchiveEntry top = new TarArchiveEntry(prefix);
            top.setMode(0700);
            tar.putArchiveEntry(top);
            tar.closeArchiveEntry();
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(dir)) {
                    add(d, attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                add(f, attrs);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p, BasicFileAttributes attrs) throws IOException {
                String rel = dir.relativize(p).toString();
                FileStatus st = PosixFiles.lstat(p);
                if (attrs.isOther()) {
                    if (whiteouts != null && st.isWhiteout()) {
                        whiteouts.add(rel);
                    }
                    return;
                }
                TarArchiveEntry e;
                if (attrs.isSymbolicLink()) {
                    e = new TarArchiveEntry(prefix + rel, TarArchiveEntry.LF_SYMLINK);
                    e.setLinkName(Files.readSymbolicLink(p).toString());
                } else {
                    e = new TarArchiveEntry(prefix + rel + (attrs.isDirectory() ? "/" : ""));
                    if (attrs.isRegularFile()) {
                        e.setSize(attrs.size());
                    }
                }
                e.setMode(st.mode() & 07777);
                e.setUserId(st.uid());
                e.setGroupId(st.gid());
                e.setModTime(attrs.lastModifiedTime());
                tar.putArchiveEntry(e);
                if (attrs.isRegularFile()) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
        });
    }
}
