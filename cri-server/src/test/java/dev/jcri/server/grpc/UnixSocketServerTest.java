package dev.jcri.server.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketServerTest {
    @TempDir
    Path dir;

    private UnixSocketServer start(Path socket) throws IOException {
        return UnixSocketServer.start(socket, List.of(), new CallObserver(new SimpleMeterRegistry()), 1024 * 1024, java.util.Set.of());
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private List<String> names() throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCrashBetweenBindAndRenameLeavesNothingTheNextStartCannotClear() throws IOException {
        Path socket = dir.resolve("jcri.sock");
        Path leftover = Files.createDirectory(dir.resolve(".jcri.sock.bind"));
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(leftover.resolve("sock")));
        }
        try (UnixSocketServer _ = start(socket)) {
            assertEquals(List.of("jcri.sock", "jcri.sock.lock"), names());
            assertEquals("rw-rw----", mode(socket));
            assertEquals("rw-------", mode(dir.resolve("jcri.sock.lock")));
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                assertTrue(client.isConnected(), "the renamed socket is the one listening");
            }
        }
        assertEquals(List.of("jcri.sock.lock"), names(), "the socket goes at shutdown");
    }

    @Test
    void aLiveSocketOfAnotherServerIsNeverTaken() throws IOException {
        Path socket = dir.resolve("jcri.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(socket));
            IOException e = assertThrows(UnixSocketServer.SocketInUseException.class, () -> start(socket));
            assertTrue(e.getMessage().contains("refusing to replace it"), e.getMessage());
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                assertTrue(client.isConnected(), "still the other server's");
            }
            assertFalse(Files.exists(dir.resolve(".jcri.sock.bind")));
        }
    }

    @Test
    void aStaleSocketIsReplaced() throws IOException {
        Path socket = dir.resolve("jcri.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        try (UnixSocketServer _ = start(socket);
                SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            assertTrue(client.isConnected());
            assertEquals("rw-rw----", mode(socket));
        }
    }
}
