package dev.jcri.snapshot.layer;

import dev.jcri.linux.FileCreator;
import dev.jcri.linux.NativeCallException;
import dev.jcri.snapshot.tar.TarEntry;
import dev.jcri.snapshot.tar.TarReader;
import java.io.IOException;
import java.nio.file.Path;
import jnr.constants.platform.Errno;

/**
 * Writes the regular files of a layer: create, content, owner, mode, xattrs, mtime, all on the new
 * file's descriptor, then close. Six syscalls at most for a typical file (open, write, fchown,
 * futimens, fstat, close; fchown only for non-root owners), no per-file Java channel or stream.
 *
 * <p>Safety: the file is created with O_CREAT|O_EXCL|O_NOFOLLOW relative to its (resolved,
 * symlink-free) parent, so a planted symlink or an existing file is never written through; an
 * existing entry is removed by the caller's {@link Remover} (tar's replace semantics) and the
 * creation retried. Every later call acts on the descriptor, not on a name that could change.
 */
final class RegularFileWriter implements AutoCloseable {
    /** Bytes per write(2): large enough to amortise the call, small enough to stay in cache after the copy. */
    private static final int WRITE_CHUNK = 256 << 10;

    @FunctionalInterface
    interface Remover {
        /** Removes whatever is at {@code path} (never following a symlink). */
        void remove(Path path) throws IOException;
    }

    private final FileCreator creator = new FileCreator(WRITE_CHUNK);
    private final CurrentDirectory current = new CurrentDirectory();
    private final Remover remover;
    private final UsageTally usage;

    RegularFileWriter(Remover remover, UsageTally usage) {
        this.remover = remover;
        this.usage = usage;
    }

    /**
     * @param parent         the resolved parent directory
     * @param inheritedGroup whether {@code parent} is setgid with a non-root group
     */
    void write(TarReader reader, TarEntry e, Path parent, String name, boolean inheritedGroup) throws IOException {
        // Created with its final mode when the umask allows, which saves a chmod per file.
        FileCreator.NewFile file;
        try {
            file = creator.create(current.of(parent), name, e.permissions());
        } catch (NativeCallException ex) {
            if (!ex.is(Errno.EEXIST)) {
                throw ex;
            }
            remover.remove(parent.resolve(name)); // may drop the current directory: ask for it again
            file = creator.create(current.of(parent), name, e.permissions());
        }
        try (FileCreator.NewFile f = file) {
            if (e.size() > 0) {
                reader.copyContent(f::write);
            }
            FileMetadata.apply(f, e.uid(), e.gid(), e.permissions(), e.xattrs(), inheritedGroup);
            f.setTimes(e.mtimeSeconds(), e.mtimeNanos(), e.mtimeSeconds(), e.mtimeNanos());
            usage.file(f.allocatedBlocks());
        }
    }

    /** A directory was removed: the open one may have been it or below it. */
    void directoryRemoved() throws IOException {
        current.drop();
    }

    @Override
    public void close() throws IOException {
        current.close();
    }
}
