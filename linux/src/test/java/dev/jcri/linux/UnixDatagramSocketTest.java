package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixDatagramSocketTest {
    @TempDir
    Path dir;

    private static String receive(UnixDatagramSocket socket) throws Exception {
        byte[] buf = new byte[4096];
        int n = socket.receive(buf, Duration.ofSeconds(5));
        return n < 0 ? null : new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void aDatagramReachesASocketBoundAtAPathEvenBeyondSunPathsLength() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("d".repeat(100)).resolve("e".repeat(60)));
        String path = deep.resolve("notify").toString();
        try (UnixDatagramSocket socket = UnixDatagramSocket.bind(path)) {
            UnixDatagramSocket.send(path, "READY=1\nSTATUS=ready".getBytes(StandardCharsets.UTF_8));
            assertEquals("READY=1\nSTATUS=ready", receive(socket));
        }
    }

    @Test
    void anAbstractNameHasNoFileAndStillReceives() throws Exception {
        String name = "@jcri-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (UnixDatagramSocket socket = UnixDatagramSocket.bind(name)) {
            UnixDatagramSocket.send(name, "WATCHDOG=1".getBytes(StandardCharsets.UTF_8));
            assertEquals("WATCHDOG=1", receive(socket));
            UnixDatagramSocket.send(name, "STOPPING=1".getBytes(StandardCharsets.UTF_8));
            assertEquals("STOPPING=1", receive(socket), "each datagram is one message");
        }
    }

    @Test
    void receiveGivesUpAfterItsTimeoutAndSendingToNobodyFailsNamingTheAddress() throws Exception {
        String path = dir.resolve("quiet").toString();
        try (UnixDatagramSocket socket = UnixDatagramSocket.bind(path)) {
            assertEquals(-1, socket.receive(new byte[16], Duration.ofMillis(50)));
        }
        Path gone = dir.resolve("nobody");
        NativeCallException e = assertThrows(NativeCallException.class, () -> UnixDatagramSocket.send(gone.toString(), new byte[] {1}));
        assertEquals("connect", e.call());
    }
}
