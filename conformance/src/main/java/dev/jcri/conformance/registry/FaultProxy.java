package dev.jcri.conformance.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on 127.0.0.1 in front of a {@link TestRegistry} that misbehaves on blob downloads
 * ({@code GET /v2/.../blobs/sha256:...}) on request: cuts the connection part-way, serves
 * corrupted bytes, or trickles them slowly. Everything else is passed through unchanged. Pull
 * through {@link #host()} instead of the registry's host.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "transfer-encoding", "host",
            "keep-alive", "upgrade", "date");

    private final HttpServer server;
    private final String upstream;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private final AtomicInteger blobRequests = new AtomicInteger();
    private volatile long cutAfterBytes;
    private volatile boolean corrupt;
    private volatile long bytesPerSecond;

    private FaultProxy(String upstreamHost) throws IOException {
        this.upstream = upstreamHost;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy for {@code upstreamHost} ("127.0.0.1:5000") that passes everything through until told otherwise. */
    public static FaultProxy start(String upstreamHost) throws IOException {
        return new FaultProxy(upstreamHost);
    }

    /** {@code 127.0.0.1:PORT} of the proxy. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code times} blob downloads send {@code afterBytes} bytes, then the connection drops. */
    public FaultProxy cutBlobs(int times, long afterBytes) {
        this.cutAfterBytes = afterBytes;
        cutsLeft.set(times);
        return this;
    }

    /** Blob downloads get one byte flipped in the middle (same length, wrong digest). */
    public FaultProxy corruptBlobs(boolean on) {
        this.corrupt = on;
        return this;
    }

    /** Blob downloads are sent at about this rate (0: full speed). */
    public FaultProxy throttleBlobs(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    public int blobRequests() {
        return blobRequests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            URI target = URI.create("http://" + upstream + ex.getRequestURI());
            HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(2))
                    .method(ex.getRequestMethod(), ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD")
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.equalsIgnoreCase("expect")) {
                    vs.forEach(v -> b.header(k, v));
                }
            });
            HttpResponse<byte[]> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            r.headers().map().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase())) {
                    ex.getResponseHeaders().put(k, List.copyOf(vs));
                }
            });
            byte[] body = r.body();
            boolean blob = ex.getRequestMethod().equals("GET") && ex.getRequestURI().getPath().contains("/blobs/sha256:")
                    && r.statusCode() / 100 == 2;
            if (!blob) {
                if (ex.getRequestMethod().equals("HEAD")) {
                    ex.sendResponseHeaders(r.statusCode(), -1);
                } else {
                    ex.sendResponseHeaders(r.statusCode(), body.length == 0 ? -1 : body.length);
                    if (body.length > 0) {
                        ex.getResponseBody().write(body);
                    }
                }
                return;
            }
            blobRequests.incrementAndGet();
            if (corrupt && body.length > 0) {
                body = body.clone();
                body[body.length / 2] ^= 0x5a;
            }
            long limit = body.length;
            boolean cut = cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            if (cut) {
                limit = Math.min(cutAfterBytes, body.length - 1);
            }
            ex.sendResponseHeaders(r.statusCode(), body.length);
            OutputStream out = ex.getResponseBody();
            int chunk = 16 * 1024;
            for (int off = 0; off < limit; off += chunk) {
                int n = (int) Math.min(chunk, limit - off);
                out.write(body, off, n);
                out.flush();
                long rate = bytesPerSecond;
                if (rate > 0) {
                    try {
                        Thread.sleep(Math.max(1, n * 1000L / rate));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            if (cut) {
                // the exchange is closed with bytes missing: the server drops the connection
                throw new IOException("fault injected: connection cut after " + limit + " bytes");
            }
        }
    }


    @Override
    public void close() {
        server.stop(0);
        http.close();
    }
}
