package dev.jcri.server.check;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * jcri's own places: the root and state directories (private to root: they hold layers with
 * setuid binaries and bundles with containers' environments) and the socket.
 */
final class StateChecks {

    /** Free space under root below which pulls are likely to fail. */
    static final long LOW_SPACE_BYTES = 2L << 30;

    private StateChecks() {}

    /**
     * A directory that does not exist yet is fine (jcri creates it 0700); one that exists must be
     * a directory owned by root and, unless the socket lives below it (0711), open to nobody else.
     */
    static CheckResult directory(String key, Path dir, Path socket) {
        String label = key + " dir";
        Optional<FileStatus> st;
        try {
            st = PosixFiles.lstatIfExists(dir);
        } catch (IOException e) {
            return CheckResult.fail(label, dir + ": " + e.getMessage(), "make " + dir + " reachable by root");
        }
        if (st.isEmpty()) {
            return CheckResult.ok(label, dir + " does not exist yet; jcri creates it 0700");
        }
        if (!st.get().isDirectory()) {
            return CheckResult.fail(label, dir + " is not a directory", "remove it or choose another " + key);
        }
        if (st.get().uid() != 0) {
            return CheckResult.fail(label, dir + " is owned by uid " + st.get().uid(), "chown root:root " + dir);
        }
        int expected = socket.toAbsolutePath().normalize().startsWith(dir.toAbsolutePath().normalize()) ? 0711 : 0700;
        int mode = st.get().permissions() & 07777;
        String found = dir + " mode " + String.format("%04o", mode);
        if ((mode & ~expected) != 0) {
            return CheckResult.warn(label, found, "chmod " + String.format("%04o", expected) + " " + dir
                    + " (jcri also narrows it at start)");
        }
        if (key.equals("root")) {
            long free = dir.toFile().getUsableSpace();
            if (free < LOW_SPACE_BYTES) {
                return CheckResult.warn(label, found + ", " + (free >> 20) + " MiB free", "free space: images and container layers live here");
            }
        }
        return CheckResult.ok(label, found);
    }

    /** Free (jcri creates it), served (a daemon answers on it), or left by a crash (replaced at start). */
    static CheckResult socket(Path socket) {
        Optional<FileStatus> st;
        try {
            st = PosixFiles.lstatIfExists(socket);
        } catch (IOException e) {
            return CheckResult.fail("socket", socket + ": " + e.getMessage(), "make its directory reachable by root");
        }
        if (st.isEmpty()) {
            return CheckResult.ok("socket", socket + " is free; jcri creates it at start");
        }
        if (st.get().type() != FileStatus.S_IFSOCK) {
            return CheckResult.fail("socket", socket + " exists and is not a socket", "remove it or choose another socket path");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return CheckResult.ok("socket", socket + " answers (a runtime is serving on it)");
        } catch (IOException e) {
            return CheckResult.warn("socket", socket + " exists but nothing answers (" + e.getMessage() + ")",
                    "none needed: jcri replaces a socket a crashed daemon left");
        }
    }
}
