package dev.jcri.snapshot.layer;

import dev.jcri.linux.FileCreator;
import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Applies ownership, mode bits and extended attributes to a freshly created file, in the one order
 * that works: chown first (it clears setuid/setgid and security.capability), then chmod, then
 * xattrs. Times are the caller's business (directories defer them).
 */
final class FileMetadata {
    private FileMetadata() {}

    /** Overlayfs' own metadata; a layer must not forge it (a redirect could point anywhere). */
    private static final String OVERLAY_PREFIX = "trusted.overlay.";

    /**
     * @param inheritedGroup whether the parent directory is setgid with a non-root group: then a
     *                       new file got that group, not root's, and must be chowned even to 0:0
     */
    static void apply(Path path, int type, long uid, long gid, int permissions, Map<String, byte[]> xattrs,
                      boolean inheritedGroup) throws IOException {
        apply(path, type, uid, gid, permissions, xattrs, inheritedGroup, false);
    }

    /**
     * @param modeSetAtCreation whether the file was created with {@code permissions} as its mode
     *                          (then chmod is needed only if the umask or a chown changed it)
     */
    static void apply(Path path, int type, long uid, long gid, int permissions, Map<String, byte[]> xattrs,
                      boolean inheritedGroup, boolean modeSetAtCreation) throws IOException {
        boolean chowned = needsChown(uid, gid, inheritedGroup);
        if (chowned) {
            PosixFiles.lchown(path, (int) uid, (int) gid);
        }
        if (type != FileStatus.S_IFLNK && needsChmod(permissions, chowned, modeSetAtCreation)) { // a symlink's mode is always 0777 on Linux
            PosixFiles.chmod(path, permissions);
        }
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            if (!x.getKey().startsWith(OVERLAY_PREFIX)) {
                Xattrs.set(path, x.getKey(), x.getValue());
            }
        }
    }

    /**
     * The same for a regular file just created with {@code permissions} and still open: every
     * call on its descriptor.
     */
    static void apply(FileCreator.NewFile file, long uid, long gid, int permissions, Map<String, byte[]> xattrs,
                      boolean inheritedGroup) throws IOException {
        boolean chowned = needsChown(uid, gid, inheritedGroup);
        if (chowned) {
            file.chown((int) uid, (int) gid);
        }
        if (needsChmod(permissions, chowned, true)) {
            file.chmod(permissions);
        }
        for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
            if (!x.getKey().startsWith(OVERLAY_PREFIX)) {
                file.setXattr(x.getKey(), x.getValue());
            }
        }
    }

    /** What we create as root is already 0:0, unless a setgid parent gave it its group. */
    private static boolean needsChown(long uid, long gid, boolean inheritedGroup) {
        return uid != 0 || gid != 0 || inheritedGroup;
    }

    /**
     * Whether the mode must still be set: always, unless the file was created with exactly these
     * bits (no setuid/setgid/sticky, which creation cannot set; none masked by the umask) and no
     * chown since (chown clears setuid/setgid).
     */
    private static boolean needsChmod(int permissions, boolean chowned, boolean modeSetAtCreation) {
        boolean exactAlready = modeSetAtCreation && !chowned && (permissions & ~0777) == 0
                && (permissions & PosixFiles.umask()) == 0;
        return !exactAlready;
    }

    /** Copies xattrs from a lower layer's file, except overlayfs' own (opacity must not be inherited). */
    static void copyXattrs(Path from, Path to) throws IOException {
        for (String name : Xattrs.list(from)) {
            if (!name.startsWith(OVERLAY_PREFIX)) {
                var value = Xattrs.get(from, name);
                if (value.isPresent()) {
                    Xattrs.set(to, name, value.get());
                }
            }
        }
    }

    /** Owner, mode, xattrs of a lower layer's file onto its copy; times are set by the caller. */
    static void copyFrom(Path from, FileStatus st, Path to) throws IOException {
        if (st.uid() != 0 || st.gid() != 0 || PosixFiles.lstat(to).gid() != 0) {
            PosixFiles.lchown(to, st.uid(), st.gid());
        }
        if (!st.isSymlink()) {
            PosixFiles.chmod(to, st.permissions());
        }
        copyXattrs(from, to);
    }
}
