package dev.jcri.image.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A small HTTP server that misbehaves the way a hostile registry or token server would: answers
 * that never end, never start, redirect in circles. Records every request it gets (method, path,
 * Authorization), so a test can tell what a client sent.
 */
final class HostileServer implements AutoCloseable {

    /** What the server saw of one request. */
    record Seen(String method, String path, String authorization) {}

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange ex) throws IOException, InterruptedException;
    }

    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private HostileServer(InetAddress address) throws IOException {
        server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    static HostileServer loopback() throws IOException {
        return new HostileServer(InetAddress.getLoopbackAddress());
    }

    static HostileServer on(InetAddress address) throws IOException {
        return new HostileServer(address);
    }

    HostileServer route(String path, Handler handler) {
        server.createContext(path, ex -> {
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization")));
            try (ex) {
                ex.getRequestBody().readAllBytes();
                handler.handle(ex);
            } catch (IOException e) {
                // the client hung up: what we test for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return this;
    }

    URI uri(String path) {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + path);
    }

    String hostPort() {
        return uri("/").getAuthority();
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    long hits(String path) {
        return seen.stream().filter(s -> s.path().equals(path)).count();
    }

    // ------------------------------------------------------------------ behaviours

    /** A status and a body that never ends (chunked, 16 KiB at a time, as fast as the client takes it). */
    static Handler endless(int status, String contentType) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, 0);
            byte[] chunk = new byte[16 << 10];
            Arrays.fill(chunk, (byte) ' ');
            chunk[0] = '{';
            OutputStream out = ex.getResponseBody();
            out.write(chunk);
            chunk[0] = ' ';
            while (true) {
                out.write(chunk);
            }
        };
    }

    /** A status, then one byte every {@code millis}, forever. */
    static Handler trickle(int status, long millis) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, 0);
            OutputStream out = ex.getResponseBody();
            out.write('{');
            while (true) {
                out.write(' ');
                out.flush();
                Thread.sleep(millis);
            }
        };
    }

    /** Accepts the request and never answers. */
    static Handler silent() {
        return ex -> Thread.sleep(Long.MAX_VALUE);
    }

    /** Announces {@code length} bytes and then sends nothing. */
    static Handler announces(int status, long length) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/vnd.oci.image.manifest.v1+json");
            ex.sendResponseHeaders(status, length);
            ex.getResponseBody().flush();
            Thread.sleep(Long.MAX_VALUE);
        };
    }

    static Handler redirect(String location) {
        return ex -> {
            ex.getResponseHeaders().set("Location", location);
            ex.sendResponseHeaders(302, -1);
        };
    }

    static Handler json(int status, String body) {
        return ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
            if (b.length > 0) {
                ex.getResponseBody().write(b);
            }
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
