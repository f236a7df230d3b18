package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenFilesTest {

    @TempDir
    Path proc;

    /** A fixture /proc: PID/fd/N symlinks whose targets read as the kernel writes them. */
    private void fd(long pid, int fd, String target) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(pid + "/fd"));
        Files.createSymbolicLink(dir.resolve(Integer.toString(fd)), Path.of(target));
    }

    @Test
    void countsDescriptorsAndSocketsOverProcesses() throws IOException {
        fd(10, 0, "/dev/null");
        fd(10, 1, "pipe:[4026]");
        fd(10, 3, "socket:[77]");
        fd(11, 0, "/dev/null");
        fd(11, 5, "socket:[78]");
        fd(11, 6, "anon_inode:[eventpoll]");
        assertEquals(new OpenFiles.Count(6, 2, false), OpenFiles.count(proc, List.of(10L, 11L), 100));
    }

    @Test
    void aProcessThatExitedCountsNothing() throws IOException {
        fd(10, 0, "/dev/null");
        assertEquals(new OpenFiles.Count(1, 0, false), OpenFiles.count(proc, List.of(10L, 99L), 100));
    }

    /** A process with a million descriptors must not make every metrics call walk them all. */
    @Test
    void theWalkStopsAtTheCapAndSaysSo() throws IOException {
        for (int i = 0; i < 50; i++) {
            fd(10, i, "socket:[" + i + "]");
        }
        fd(11, 0, "/dev/null");
        OpenFiles.Count count = OpenFiles.count(proc, List.of(10L, 11L), 20);
        assertEquals(20, count.descriptors());
        assertEquals(20, count.sockets());
        assertTrue(count.capped());
    }

    @Test
    void thisProcessSeesItsOwnListeningSocket() throws IOException {
        long self = ProcessHandle.current().pid();
        OpenFiles.Count before = OpenFiles.count(Path.of("/proc"), List.of(self), 1_000_000);
        try (ServerSocket s = new ServerSocket(0)) {
            OpenFiles.Count during = OpenFiles.count(Path.of("/proc"), List.of(self), 1_000_000);
            assertFalse(during.capped());
            assertTrue(during.sockets() >= before.sockets() + 1, before + " then " + during);
            assertTrue(during.descriptors() >= during.sockets(), "listening on " + s.getLocalPort());
        }
    }
}
