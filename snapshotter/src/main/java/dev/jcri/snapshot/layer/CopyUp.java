package dev.jcri.snapshot.layer;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a lower layer's file into the layer being applied, with owner, mode, xattrs and mtime,
 * the way overlayfs copies up on write. Used when a hardlink names a file that only exists below:
 * the link must be made to a copy in this layer, never to the immutable lower file itself.
 */
final class CopyUp {
    private CopyUp() {}

    static void copy(LowerLayers.LowerFile from, Path to, String entryName) throws IOException {
        FileStatus st = from.status();
        switch (st.type()) {
            case FileStatus.S_IFREG -> {
                try (FileChannel in = FileChannel.open(from.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                     FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    long size = in.size();
                    long done = 0;
                    while (done < size) {
                        long n = in.transferTo(done, size - done, out); // copy_file_range/sendfile in the kernel
                        if (n <= 0) {
                            break; // the lower file shrank: impossible for a committed layer, but don't spin
                        }
                        done += n;
                    }
                }
            }
            case FileStatus.S_IFLNK -> PosixFiles.symlink(PosixFiles.readlink(from.path()), to);
            case FileStatus.S_IFCHR, FileStatus.S_IFBLK, FileStatus.S_IFIFO ->
                    PosixFiles.mknod(to, st.type(), st.permissions(), st.rdevMajor(), st.rdevMinor());
            default -> throw new LayerApplyException(entryName,
                    "cannot hardlink to " + from.path() + " (a directory or socket)");
        }
        FileMetadata.copyFrom(from.path(), st, to);
        PosixFiles.setTimes(to, st.mtimeSeconds(), st.mtimeNanos(), st.mtimeSeconds(), st.mtimeNanos());
    }
}
