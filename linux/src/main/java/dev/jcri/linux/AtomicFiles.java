package dev.jcri.linux;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replace a file so that readers, and the file system after a crash, see either the old or the new
 * content in full: write a temp file in the same directory, fsync it, rename it over the target,
 * fsync the directory (so the rename itself survives a power loss).
 *
 * <p>JSON: {@code AtomicFiles.write(path, out -> mapper.writeValue(out, value))}. The stream handed
 * to the writer ignores close(), since Jackson closes its target by default and we still need to sync.
 *
 * <p>Files are private (0600) unless a mode is given: the temp file is created with it (see
 * {@link PrivateFiles}), so the content is never readable by others, not even for a moment, and
 * a file an older version made 0644 becomes 0600 when it is next written.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces the content of a file. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Prefix of temp files; a crash can leave some behind, and {@link #isTempFile} tells them apart. */
    public static final String TEMP_PREFIX = ".tmp-";

    /** Writes {@code content} as a private (0600) file. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, PrivateFiles.FILE_MODE, content, true);
    }

    /** Writes a private (0600) file. */
    public static void write(Path target, ContentWriter writer) throws IOException {
        write(target, PrivateFiles.FILE_MODE, writer);
    }

    /** Writes {@code content} as a file with exactly {@code mode} (e.g. 0644 for files containers read). */
    public static void write(Path target, int mode, byte[] content) throws IOException {
        write(target, mode, content, true);
    }

    /** Writes a file with exactly {@code mode} (permission bits only). */
    public static void write(Path target, int mode, ContentWriter writer) throws IOException {
        write(target, mode, writer, true);
    }

    /**
     * Replaces a private (0600) file atomically without flushing it: readers, and this process
     * restarted after a kill -9, see the old content or the new one in full (the page cache
     * survives a process); only a power loss or a kernel crash can lose the change, or leave the
     * file empty. For state whose loss in such a crash the owner's recovery handles anyway (a
     * container being created or removed: after a reboot, nothing of it runs), and which sits on
     * a hot path where each fsync costs milliseconds.
     */
    public static void replace(Path target, byte[] content) throws IOException {
        write(target, PrivateFiles.FILE_MODE, content, false);
    }

    /** {@link #replace(Path, byte[])} with the content produced by {@code writer}. */
    public static void replace(Path target, ContentWriter writer) throws IOException {
        write(target, PrivateFiles.FILE_MODE, writer, false);
    }

    /** Content in hand goes to the channel as it is: no stream, no buffer (records are written on hot paths). */
    private static void write(Path target, int mode, byte[] content, boolean durable) throws IOException {
        write(target, mode, durable, ch -> {
            ByteBuffer rest = ByteBuffer.wrap(content);
            while (rest.hasRemaining()) {
                ch.write(rest);
            }
        });
    }

    private static void write(Path target, int mode, ContentWriter writer, boolean durable) throws IOException {
        write(target, mode, durable, ch -> {
            OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
            writer.writeTo(new FilterOutputStream(buffered) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len); // FilterOutputStream's default writes byte by byte
                }

                @Override
                public void close() throws IOException {
                    flush(); // keep the channel open: we still have to force() it
                }
            });
            buffered.flush();
        });
    }

    private interface ChannelWriter {
        void writeTo(FileChannel ch) throws IOException;
    }

    private static void write(Path target, int mode, boolean durable, ChannelWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve(TEMP_PREFIX + target.getFileName() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        boolean moved = false;
        try {
            try (FileChannel ch = PrivateFiles.newFile(temp, mode)) {
                writer.writeTo(ch);
                if (durable) {
                    ch.force(true);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            if (durable) {
                fsyncDirectory(dir);
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Makes directory entries (creations, renames, deletions) in {@code dir} durable. */
    public static void fsyncDirectory(Path dir) throws IOException {
        // Linux lets a directory be opened read-only and fsync'ed; this is how renames are made durable.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Whether a name is one of our temp files (for cleanup after a crash). */
    public static boolean isTempFile(Path file) {
        return file.getFileName().toString().startsWith(TEMP_PREFIX);
    }
}
