package dev.jcri.linux;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;

/**
 * Directories and files only root may reach: jcri's state below its root and state directories.
 *
 * <p>Why: image layers hold setuid binaries and bundles hold containers' environments (often
 * secrets); a local user who can reach a layer can run its setuid-root binaries on the host
 * (containerd's CVE-2021-41103). So state is 0700 (directories) and 0600 (files), and the mode is
 * given to the system call that creates the entry: never a moment in which it exists with the
 * umask's looser default, as create-then-chmod would leave.
 *
 * <p>Modes come out exact whatever the daemon's umask: the kernel applies the umask at creation,
 * which can only make an entry more private than asked; those bits are then put back with chmod
 * (for 0644 pod files under a 077 umask, say). Only the permission bits 0777 are accepted.
 *
 * <p>{@link #restrict} repairs what older versions made: it takes bits away, never adds any.
 */
public final class PrivateFiles {
    private PrivateFiles() {}

    /** Mode of private directories. */
    public static final int DIRECTORY_MODE = 0700;
    /** Mode of private files. */
    public static final int FILE_MODE = 0600;

    /** mkdir -p where every directory created is 0700; existing ones are left as they are. */
    public static Path createDirectories(Path dir) throws IOException {
        return createDirectories(dir, DIRECTORY_MODE);
    }

    /** mkdir -p where every directory created gets exactly {@code mode}; existing ones are left as they are. */
    public static Path createDirectories(Path dir, int mode) throws IOException {
        FileAttribute<Set<PosixFilePermission>> attribute = attribute(mode);
        Deque<Path> missing = new ArrayDeque<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                Files.createDirectory(p, attribute);
                restoreUmaskedBits(p, mode);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e; // a file (or a dangling symlink) has the name
                }
                // made concurrently by another thread: fine, as with Files.createDirectories
            }
        }
        return dir;
    }

    /**
     * A component's own directory as it opens: created 0700 if missing, else restricted to 0700
     * (repairing what an older version made with the umask's default, usually 0755).
     */
    public static Path ensureDirectory(Path dir) throws IOException {
        return ensureDirectory(dir, DIRECTORY_MODE);
    }

    /** As {@link #ensureDirectory(Path)} with another mode (0711 for jcri's root and state themselves). */
    public static Path ensureDirectory(Path dir, int mode) throws IOException {
        createDirectories(dir, mode);
        restrict(dir, mode);
        return dir;
    }

    /** mkdir(2) with exactly {@code mode}; fails if anything has that name. */
    public static Path createDirectory(Path dir, int mode) throws IOException {
        Files.createDirectory(dir, attribute(mode));
        restoreUmaskedBits(dir, mode);
        return dir;
    }

    /** A new, empty file 0600; fails if anything has that name (a symlink included). */
    public static Path createFile(Path file) throws IOException {
        newFile(file, FILE_MODE).close();
        return file;
    }

    /**
     * A new file with exactly {@code mode}, open for writing: O_CREAT|O_EXCL, so never an existing
     * file and never through a symlink.
     */
    public static FileChannel newFile(Path file, int mode) throws IOException {
        return open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), mode,
                () -> restoreUmaskedBits(file, mode));
    }

    /**
     * Opens {@code file} for writing (a lock file, say), creating it 0600 if it is missing; an
     * existing one is restricted to 0600. Never through a symlink.
     */
    public static FileChannel openOrCreateFile(Path file) throws IOException {
        return open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                FILE_MODE, () -> restrict(file, FILE_MODE));
    }

    /** What is done to a file just opened; if it fails, the file is closed. */
    @FunctionalInterface
    private interface AfterOpen {
        void run() throws IOException;
    }

    private static FileChannel open(Path file, Set<? extends OpenOption> options, int mode, AfterOpen then)
            throws IOException {
        FileChannel channel = FileChannel.open(file, options, attribute(mode));
        try {
            then.run();
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /**
     * Clears the permission bits of {@code path} that {@code allowed} lacks (0755 becomes 0700 for
     * allowed 0700; 0600 stays), never adding one. A missing path or a symlink is left alone.
     *
     * @return whether the mode changed
     */
    public static boolean restrict(Path path, int allowed) throws IOException {
        Optional<FileStatus> st = PosixFiles.lstatIfExists(path);
        if (st.isEmpty() || st.get().isSymlink()) {
            return false;
        }
        int mode = st.get().permissions();
        int restricted = mode & allowed;
        if (restricted == mode) {
            return false;
        }
        PosixFiles.chmod(path, restricted);
        return true;
    }

    /** {@code mode} (permission bits only) as a file attribute for java.nio's create calls. */
    static FileAttribute<Set<PosixFilePermission>> attribute(int mode) {
        if ((mode & ~0777) != 0) {
            throw new IllegalArgumentException("only permission bits (0777) may be given: " + Integer.toOctalString(mode));
        }
        StringBuilder rwx = new StringBuilder(9);
        for (int bit = 8; bit >= 0; bit--) {
            rwx.append((mode & (1 << bit)) == 0 ? '-' : "rwx".charAt((8 - bit) % 3));
        }
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(rwx.toString()));
    }

    /** The umask removed some of {@code mode}'s bits at creation (the entry is more private than asked): put them back. */
    private static void restoreUmaskedBits(Path path, int mode) throws IOException {
        if ((mode & PosixFiles.umask()) != 0) {
            PosixFiles.chmod(path, mode);
        }
    }
}
