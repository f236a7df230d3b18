package dev.jcri.server;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jcri's root and state directories, and the privacy of everything directly inside them.
 *
 * <p>Root and state are 0700, except one the CRI socket lives below: that one is 0711, so a group
 * an operator gives the socket (0660) can reach it. By default that is the state directory
 * ({@code /run/jcri/jcri.sock}), the root stays 0700. Search permission lists nothing, and every
 * entry inside is 0700 or 0600, so nothing below is reachable by other users: not the layers'
 * setuid binaries, not the bundles' environments. (containerd uses 0711 for its root and state,
 * for helpers that run as other users, such as user-namespaced containers reaching their rootfs;
 * jcri has no such helper yet, and opening a path for one should be a deliberate, narrow choice.)
 *
 * <p>Each component creates its own entries private ({@link PrivateFiles}); this class is the
 * guarantee for what an older version left open, whatever its name: at start, directories
 * directly inside become 0700 and files 0600. The socket, its lock and the directories on the way
 * to the socket, root or state are left to their owners.
 */
final class StateDirectories {

    private static final Logger LOG = LoggerFactory.getLogger(StateDirectories.class);

    /** Mode of root and state, unless the socket lives below one of them. */
    static final int PRIVATE_MODE = 0700;
    /** Mode of a directory on the way to the socket: searchable, not listable. */
    static final int ON_SOCKET_PATH_MODE = 0711;

    private StateDirectories() {}

    /** Creates root and state or restricts them to their mode, and makes every entry directly inside them private. */
    static void secure(Path root, Path state, Path socket) throws IOException {
        Path socketPath = socket.toAbsolutePath().normalize();
        Set<Path> keep = new HashSet<>();
        for (Path p : List.of(root, state, socket)) {
            for (Path a = p.toAbsolutePath().normalize(); a != null; a = a.getParent()) {
                keep.add(a);
            }
        }
        for (Path dir : List.of(root, state)) {
            PrivateFiles.ensureDirectory(dir, socketPath.startsWith(dir.toAbsolutePath().normalize())
                    ? ON_SOCKET_PATH_MODE : PRIVATE_MODE);
            int repaired = 0;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (!keep.contains(entry.toAbsolutePath().normalize()) && restrict(entry)) {
                        repaired++;
                    }
                }
            }
            if (repaired > 0) {
                LOG.info("made {} entries of {} private (0700 directories, 0600 files) that an older jcri left open",
                        repaired, dir);
            }
        }
    }

    private static boolean restrict(Path entry) throws IOException {
        Optional<FileStatus> st = PosixFiles.lstatIfExists(entry);
        if (st.isEmpty()) {
            return false;
        }
        if (st.get().isDirectory()) {
            return PrivateFiles.restrict(entry, PrivateFiles.DIRECTORY_MODE);
        }
        return st.get().isRegularFile() && PrivateFiles.restrict(entry, PrivateFiles.FILE_MODE);
    }
}
