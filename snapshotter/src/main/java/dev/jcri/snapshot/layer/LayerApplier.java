package dev.jcri.snapshot.layer;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.NativeCallException;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.Xattrs;
import dev.jcri.snapshot.tar.TarEntry;
import dev.jcri.snapshot.tar.TarReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import jnr.constants.platform.Errno;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one uncompressed OCI layer tar to an empty directory, producing that layer's overlayfs
 * "diff" directory: files as the tar says (owner, mode incl. setuid/setgid/sticky, mtime, xattrs,
 * devices, fifos, links), OCI whiteouts turned into overlay's form ({@code .wh.NAME} → a 0:0
 * character device NAME, {@code .wh..wh..opq} → {@code trusted.overlay.opaque=y} on the directory).
 *
 * <p>Safety: names are cleaned lexically ({@link LayerPaths}); parents are resolved inside the
 * layer ({@link DirectoryResolver}); the final component is never followed (files are created with
 * O_EXCL, existing entries are removed first), so nothing is written outside {@code root}.
 *
 * <p>Speed: no per-file fsync (the caller syncs the filesystem once at commit); regular files are
 * written through raw descriptors relative to their open parent ({@link RegularFileWriter}), with
 * content copied from the reader's buffer; existence is checked by trying to create (EEXIST is
 * the rare case), not by a stat before every entry; disk usage is counted on the way
 * ({@link UsageTally}), so the caller need not walk the result.
 *
 * <p>Not atomic by itself: the caller applies into a temp directory and renames it on success.
 */
public final class LayerApplier {
    private static final Logger log = LoggerFactory.getLogger(LayerApplier.class);
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_MARKER = ".wh..wh..opq";

    private final Path root;
    private final DirectoryTimes directoryTimes = new DirectoryTimes();
    private final UsageTally usage = new UsageTally();
    private final DirectoryResolver dirs;
    private final RegularFileWriter files;
    private final LowerLayers lowers;
    private long entries;
    private long contentBytes;

    /**
     * @param root   the empty directory that becomes the layer
     * @param lowers the committed layers below (for hardlinks to their files and implied parents)
     */
    public LayerApplier(Path root, LowerLayers lowers) {
        this.root = root.toAbsolutePath();
        this.lowers = lowers;
        this.dirs = new DirectoryResolver(this.root, lowers, directoryTimes, usage);
        this.files = new RegularFileWriter(this::removeExisting, usage);
        usage.directory(this.root);
    }

    /** Applies the layer; call once per applier. */
    public ApplyStats apply(InputStream uncompressedTar) throws IOException {
        TarReader reader = new TarReader(uncompressedTar);
        try (RegularFileWriter _ = files) {
            TarEntry e;
            while ((e = reader.next()) != null) {
                try {
                    applyEntry(reader, e);
                } catch (LayerApplyException | dev.jcri.snapshot.tar.TarFormatException ex) {
                    throw ex;
                } catch (IOException ex) {
                    throw new LayerApplyException(e.name(), ex.getMessage(), ex);
                }
                entries++;
            }
        }
        directoryTimes.applyAll();
        return new ApplyStats(entries, contentBytes, usage.result());
    }

    private void applyEntry(TarReader reader, TarEntry e) throws IOException {
        if (e.name().indexOf(0) >= 0 || e.linkName().indexOf(0) >= 0) { // C would silently cut the name there
            throw new LayerApplyException(e.name(), "NUL character in a name");
        }
        List<String> parts = LayerPaths.clean(e.name());
        if (parts.isEmpty()) { // "./": the layer root itself
            if (!e.isDirectory()) {
                throw new LayerApplyException(e.name(), "only a directory can stand for the layer root");
            }
            FileMetadata.apply(root, FileStatus.S_IFDIR, e.uid(), e.gid(), e.permissions(), e.xattrs(), true);
            dirs.remember(root, e.permissions(), e.gid());
            directoryTimes.record(root, e.mtimeSeconds(), e.mtimeNanos());
            return;
        }
        String base = parts.getLast();
        Path parent = dirs.resolve(parts.subList(0, parts.size() - 1), e.name());
        if (base.startsWith(WHITEOUT_PREFIX)) {
            applyWhiteout(e, parent, base);
            return;
        }
        if (e.type() == TarEntry.Type.FILE) { // the common case, by name relative to the parent: no full path needed
            files.write(reader, e, parent, base, dirs.setsGroup(parent));
            contentBytes += e.size();
            return;
        }
        Path target = parent.resolve(base);
        switch (e.type()) {
            case DIRECTORY -> applyDirectory(e, target);
            case FILE -> throw new AssertionError("handled above");
            case SYMLINK -> {
                createReplacing(target, () -> PosixFiles.symlink(e.linkName(), target));
                finishNonDirectory(e, target, parent, FileStatus.S_IFLNK);
                usage.entry(target);
            }
            case HARDLINK -> applyHardlink(e, target);
            case CHAR_DEVICE, BLOCK_DEVICE, FIFO -> {
                int type = switch (e.type()) {
                    case CHAR_DEVICE -> FileStatus.S_IFCHR;
                    case BLOCK_DEVICE -> FileStatus.S_IFBLK;
                    default -> FileStatus.S_IFIFO;
                };
                createReplacing(target, () -> PosixFiles.mknod(target, type, 0600, e.devMajor(), e.devMinor()));
                finishNonDirectory(e, target, parent, type);
                usage.entry(target);
            }
            case UNSUPPORTED -> {
                if (e.typeFlag() == 'S' || e.size() > 0) {
                    throw new LayerApplyException(e.name(), "unsupported tar entry type '" + e.typeFlag()
                            + "' (sparse files and unknown types with content are not supported)");
                }
                log.debug("skipping {}: tar type '{}' has no meaning in a layer", e.name(), e.typeFlag());
            }
        }
    }

    private void applyWhiteout(TarEntry e, Path parent, String base) throws IOException {
        if (base.equals(OPAQUE_MARKER)) {
            Xattrs.set(parent, LowerLayers.OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
        } else if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
            log.debug("skipping {}: AUFS metadata, meaningless for overlayfs", e.name());
        } else {
            String victim = base.substring(WHITEOUT_PREFIX.length());
            if (victim.isEmpty() || victim.equals(".") || victim.equals("..")) {
                throw new LayerApplyException(e.name(), "whiteout without a valid name");
            }
            Path target = parent.resolve(victim);
            createReplacing(target, () -> PosixFiles.mknod(target, FileStatus.S_IFCHR, 0, 0, 0));
            usage.entry(target);
        }
    }

    private void applyDirectory(TarEntry e, Path target) throws IOException {
        try {
            Files.createDirectory(target);
            usage.directory(target);
        } catch (FileAlreadyExistsException exists) {
            FileStatus st = PosixFiles.lstat(target);
            if (!st.isDirectory()) { // tar semantics: the new entry replaces whatever was there
                removeExisting(target);
                Files.createDirectory(target);
                usage.directory(target);
                if (st.isWhiteout()) { // deleted then re-created in one layer: hide the lower content
                    Xattrs.set(target, LowerLayers.OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        // Always chown directories: an existing one may have any owner, and there are few of them.
        FileMetadata.apply(target, FileStatus.S_IFDIR, e.uid(), e.gid(), e.permissions(), e.xattrs(), true);
        dirs.remember(target, e.permissions(), e.gid());
        directoryTimes.record(target, e.mtimeSeconds(), e.mtimeNanos());
    }


    private void applyHardlink(TarEntry e, Path target) throws IOException {
        List<String> linkParts = LayerPaths.clean(e.linkName());
        if (linkParts.isEmpty()) {
            throw new LayerApplyException(e.name(), "hardlink to the layer root");
        }
        Path source = dirs.resolve(linkParts.subList(0, linkParts.size() - 1), e.name()).resolve(linkParts.getLast());
        Optional<FileStatus> st = PosixFiles.lstatIfExists(source);
        if (st.isEmpty() || st.get().isWhiteout()) {
            // Not in this layer: the file lives below; copy it up so the link stays inside this layer.
            List<String> rel = LayerPaths.clean(root.relativize(source).toString());
            LowerLayers.LowerFile lower = lowers.lookup(rel).orElseThrow(() -> new LayerApplyException(e.name(),
                    "hardlink target '" + e.linkName() + "' exists neither in this layer nor below"));
            if (st.isPresent()) {
                Files.delete(source);
                usage.invalidate(); // the whiteout was counted
            }
            CopyUp.copy(lower, source, e.name());
            usage.entry(source);
        } else if (st.get().isDirectory()) {
            throw new LayerApplyException(e.name(), "hardlink to a directory '" + e.linkName() + "'");
        }
        if (source.equals(target)) {
            return; // a link to itself: already there
        }
        createReplacing(target, () -> Files.createLink(target, source)); // link(2) does not follow a symlink source
    }

    /** Owner, mode, xattrs, then times: in this order (chown would clear setuid and capabilities). */
    private void finishNonDirectory(TarEntry e, Path target, Path parent, int type) throws IOException {
        FileMetadata.apply(target, type, e.uid(), e.gid(), e.permissions(), e.xattrs(), dirs.setsGroup(parent));
        PosixFiles.setTimes(target, e.mtimeSeconds(), e.mtimeNanos(), e.mtimeSeconds(), e.mtimeNanos());
    }

    @FunctionalInterface
    private interface Creation {
        void create() throws IOException;
    }

    /** Creates, and if something is in the way, removes it and creates again (tar's replace semantics). */
    private void createReplacing(Path target, Creation creation) throws IOException {
        try {
            creation.create();
        } catch (FileAlreadyExistsException exists) {
            removeExisting(target);
            creation.create();
        } catch (NativeCallException ex) {
            if (!ex.is(Errno.EEXIST)) {
                throw ex;
            }
            removeExisting(target);
            creation.create();
        }
    }

    /** Removes a file, symlink (not its target) or whole directory tree, without following links. */
    private void removeExisting(Path target) throws IOException {
        Optional<FileStatus> st = PosixFiles.lstatIfExists(target);
        if (st.isEmpty()) {
            return;
        }
        usage.invalidate(); // whatever it was, it had been counted
        if (!st.get().isDirectory()) {
            Files.delete(target);
            return;
        }
        dirs.forget(target);
        directoryTimes.forgetUnder(target);
        files.directoryRemoved();
        Files.walkFileTree(target, new SimpleFileVisitor<>() { // walkFileTree never follows links by default
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
