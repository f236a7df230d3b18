package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The open file descriptors of a set of processes, and how many of them are sockets, from
 * {@code /proc/PID/fd}: one entry per descriptor, a symlink whose target reads
 * {@code socket:[INODE]} for a socket (what {@code ls -l /proc/PID/fd} and cAdvisor count).
 *
 * <p>Bounded: a process may hold millions of descriptors (the default hard limit is 2^20 per
 * process, and a container may run many processes), and each costs a readlink. The walk stops
 * after {@code maxDescriptors} entries over all the processes; the counts are then lower bounds
 * and {@link Count#capped} says so. A process that exits during the walk, or whose fd directory
 * cannot be read, counts what was seen of it.
 */
public final class OpenFiles {

    private static final String SOCKET = "socket:[";

    private OpenFiles() {}

    /**
     * @param descriptors every descriptor seen (up to the cap)
     * @param sockets     those of them that are sockets
     * @param capped      whether the walk stopped at the cap (the counts are then lower bounds)
     */
    public record Count(long descriptors, long sockets, boolean capped) {}

    /** The descriptors of {@code pids} under {@code proc} (normally /proc), at most {@code maxDescriptors} looked at. */
    public static Count count(Path proc, List<Long> pids, long maxDescriptors) {
        long descriptors = 0;
        long sockets = 0;
        for (long pid : pids) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve(Long.toString(pid)).resolve("fd"))) {
                for (Path fd : fds) {
                    if (descriptors == maxDescriptors) {
                        return new Count(descriptors, sockets, true);
                    }
                    descriptors++;
                    if (isSocket(fd)) {
                        sockets++;
                    }
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                // the process exited, or its table is not ours to read: what was seen of it counts
            }
        }
        return new Count(descriptors, sockets, false);
    }

    private static boolean isSocket(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith(SOCKET);
        } catch (IOException e) {
            return false; // closed meanwhile
        }
    }
}
