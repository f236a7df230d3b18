package dev.jcri.conformance.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An HTTP proxy on 127.0.0.1 in front of a {@link TestRegistry} that misbehaves on request. On blob
 * downloads ({@code GET /v2/.../blobs/sha256:...}): cuts the connection part-way, serves corrupted
 * bytes, trickles them slowly, or sends more bytes than the blob has, without end. As a hostile
 * registry, on manifests or blobs ({@link Target}): an error status with a body that never ends,
 * a redirect loop, a manifest padded past any sane size. Everything else is passed through
 * unchanged. Pull through {@link #host()} instead of the registry's host. It can also stand for a
 * mirror that needs an access header, serves HTTPS with or without client certificates
 * ({@link #startTls}), or serves the API under another path than /v2 ({@link #serveUnder}).
 */
public final class FaultProxy implements AutoCloseable {

    /** Which requests a hostile behaviour applies to. */
    public enum Target {
        MANIFESTS("/manifests/"), BLOBS("/blobs/sha256:");

        private final String pathPart;

        Target(String pathPart) {
            this.pathPart = pathPart;
        }

        boolean matches(HttpExchange ex) {
            return ex.getRequestMethod().equals("GET") && ex.getRequestURI().getPath().contains(pathPart);
        }
    }

    private static final String LOOP = "/jcri-fault-loop/";

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
    private volatile Target endlessErrors;
    private volatile int endlessErrorStatus;
    private volatile Target redirectLoops;
    private volatile long manifestPadding;
    private volatile boolean announcePadding;
    private volatile boolean endlessBlobs;
    /** The blob (digest) whose downloads send {@link #stallAfterBytes}, then nothing while the connection stays open; null: off. */
    private volatile String stallDigest;
    private volatile long stallAfterBytes;
    private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger stalledRequests = new AtomicInteger();
    /** name: value every request must carry (a pull-through mirror's access header), else 403; null: none. */
    private volatile String[] requiredHeader;
    private final AtomicInteger refusedForHeader = new AtomicInteger();
    private final AtomicInteger hostileRequests = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong hostileBytes = new java.util.concurrent.atomic.AtomicLong();

    /** The path prefix requests must have, served as /v2 upstream (a registry under a non-standard path); null: none. */
    private volatile String servedUnder;
    private final AtomicInteger outsidePrefix = new AtomicInteger();

    private FaultProxy(String upstreamHost, SSLContext tls, boolean needClientCertificate) throws IOException {
        this.upstream = upstreamHost;
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0);
        if (tls == null) {
            this.server = HttpServer.create(address, 0);
        } else {
            HttpsServer https = HttpsServer.create(address, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = tls.getDefaultSSLParameters();
                    p.setNeedClientAuth(needClientCertificate);
                    params.setSSLParameters(p);
                }
            });
            this.server = https;
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** A proxy for {@code upstreamHost} ("127.0.0.1:5000") that passes everything through until told otherwise. */
    public static FaultProxy start(String upstreamHost) throws IOException {
        return new FaultProxy(upstreamHost, null, false);
    }

    /**
     * A proxy serving HTTPS with {@code tls} (its key and certificate, and the CAs client
     * certificates are checked against); with {@code needClientCertificate}, a client presenting
     * none (or one no CA of {@code tls} issued) fails the handshake: a mutual-TLS mirror.
     */
    public static FaultProxy startTls(String upstreamHost, SSLContext tls, boolean needClientCertificate) throws IOException {
        return new FaultProxy(upstreamHost, tls, needClientCertificate);
    }

    /**
     * From now on the registry API is served under {@code prefix} instead of /v2 (prefix/... is
     * passed on as /v2/...), as a registry behind a path-routing proxy; other paths are answered
     * 404 and counted. Null: off.
     */
    public FaultProxy serveUnder(String prefix) {
        servedUnder = prefix;
        return this;
    }

    /** Requests answered 404 for being outside the {@link #serveUnder} prefix. */
    public int outsidePrefix() {
        return outsidePrefix.get();
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

    /** Requests to {@code target} get {@code status} and a body that never ends (null: off). */
    public FaultProxy endlessErrorBodies(Target target, int status) {
        this.endlessErrorStatus = status;
        this.endlessErrors = target;
        return this;
    }

    /** Requests to {@code target} are redirected to a pair of URLs that redirect to each other (null: off). */
    public FaultProxy redirectLoops(Target target) {
        this.redirectLoops = target;
        return this;
    }

    /**
     * Manifests are served with whitespace after the JSON up to {@code totalBytes} (valid JSON,
     * wrong digest, far too big), announced in Content-Length or chunked; 0: off.
     */
    public FaultProxy padManifests(long totalBytes, boolean announced) {
        this.announcePadding = announced;
        this.manifestPadding = totalBytes;
        return this;
    }

    /**
     * Downloads of blob {@code digest} ("sha256:...") send {@code afterBytes} bytes (at most all but
     * its last), then nothing, with the connection held open until the proxy closes: a registry that
     * stopped moving. Null digest: off.
     */
    public FaultProxy stallBlob(String digest, long afterBytes) {
        this.stallAfterBytes = afterBytes;
        this.stallDigest = digest;
        return this;
    }

    /** Blob downloads that reached the stall point and are being held. */
    public int stalledRequests() {
        return stalledRequests.get();
    }

    /** Blobs are served whole, then followed by bytes that never end (chunked): longer than any descriptor says. */
    public FaultProxy endlessBlobs(boolean on) {
        this.endlessBlobs = on;
        return this;
    }

    /** From now on, requests without header {@code name} equal to {@code value} are answered 403 (null name: off). */
    public FaultProxy requireHeader(String name, String value) {
        requiredHeader = name == null ? null : new String[] {name, value};
        return this;
    }

    /** Requests answered 403 for lacking the required header. */
    public int refusedForHeader() {
        return refusedForHeader.get();
    }

    /** Turns every fault off and zeroes the hostile counters. */
    public FaultProxy reset() {
        hostileRequests.set(0);
        hostileBytes.set(0);
        cutsLeft.set(0);
        corrupt = false;
        bytesPerSecond = 0;
        endlessErrors = null;
        redirectLoops = null;
        manifestPadding = 0;
        endlessBlobs = false;
        stallDigest = null;
        requiredHeader = null;
        refusedForHeader.set(0);
        servedUnder = null;
        outsidePrefix.set(0);
        return this;
    }

    /** Requests answered with a hostile behaviour, and bytes of hostile bodies the client took. */
    public int hostileRequests() {
        return hostileRequests.get();
    }

    public long hostileBytes() {
        return hostileBytes.get();
    }

    /** Writes {@code chunk} until the client hangs up (or 64 GiB, as a safety net for a broken test). */
    private void endless(OutputStream out, byte[] chunk) throws IOException {
        for (long sent = 0; sent < (64L << 30); sent += chunk.length) {
            out.write(chunk);
            hostileBytes.addAndGet(chunk.length);
        }
    }

    private static byte[] spaces(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) ' ');
        return b;
    }

    /** The hostile answers that need no upstream; true when one was sent. */
    private boolean hostile(HttpExchange ex) throws IOException {
        String[] required = requiredHeader;
        if (required != null && !required[1].equals(ex.getRequestHeaders().getFirst(required[0]))) {
            refusedForHeader.incrementAndGet();
            ex.sendResponseHeaders(403, -1);
            return true;
        }
        String path = ex.getRequestURI().getPath();
        if (path.startsWith(LOOP)) {
            hostileRequests.incrementAndGet();
            ex.getResponseHeaders().set("Location", LOOP + (path.endsWith("/a") ? "b" : "a"));
            ex.sendResponseHeaders(302, -1);
            return true;
        }
        Target loop = redirectLoops;
        if (loop != null && loop.matches(ex)) {
            hostileRequests.incrementAndGet();
            ex.getResponseHeaders().set("Location", LOOP + "a");
            ex.sendResponseHeaders(302, -1);
            return true;
        }
        Target errors = endlessErrors;
        if (errors != null && errors.matches(ex)) {
            hostileRequests.incrementAndGet();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(endlessErrorStatus, 0);
            OutputStream out = ex.getResponseBody();
            out.write("{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] chunk = new byte[16 << 10];
            java.util.Arrays.fill(chunk, (byte) 'x');
            endless(out, chunk);
            return true;
        }
        return false;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (hostile(ex)) {
                return;
            }
            String prefix = servedUnder;
            String pathAndQuery = ex.getRequestURI().toString();
            if (prefix != null) {
                String path = ex.getRequestURI().getPath();
                if (!path.equals(prefix) && !path.startsWith(prefix + "/")) {
                    outsidePrefix.incrementAndGet();
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                pathAndQuery = "/v2" + pathAndQuery.substring(prefix.length());
            }
            URI target = URI.create("http://" + upstream + pathAndQuery);
            HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(2))
                    .method(ex.getRequestMethod(), ex.getRequestMethod().equals("GET") || ex.getRequestMethod().equals("HEAD")
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(ex.getRequestBody().readAllBytes()));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase(java.util.Locale.ROOT)) && !k.equalsIgnoreCase("expect")) {
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
                if (!HOP_HEADERS.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                    ex.getResponseHeaders().put(k, List.copyOf(vs));
                }
            });
            byte[] body = r.body();
            boolean blob = ex.getRequestMethod().equals("GET") && ex.getRequestURI().getPath().contains("/blobs/sha256:")
                    && r.statusCode() / 100 == 2;
            long padTo = manifestPadding;
            if (padTo > 0 && Target.MANIFESTS.matches(ex) && r.statusCode() == 200) {
                hostileRequests.incrementAndGet();
                ex.sendResponseHeaders(200, announcePadding ? padTo : 0);
                OutputStream out = ex.getResponseBody();
                out.write(body);
                byte[] chunk = spaces(16 << 10);
                for (long sent = body.length; sent < padTo; sent += chunk.length) {
                    int n = (int) Math.min(chunk.length, padTo - sent);
                    out.write(chunk, 0, n);
                    hostileBytes.addAndGet(n);
                }
                return;
            }
            if (blob && endlessBlobs) {
                hostileRequests.incrementAndGet();
                blobRequests.incrementAndGet();
                ex.sendResponseHeaders(r.statusCode(), 0);
                OutputStream out = ex.getResponseBody();
                out.write(body);
                endless(out, new byte[16 << 10]);
                return;
            }
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
            String stalled = stallDigest;
            boolean stall = stalled != null && ex.getRequestURI().getPath().endsWith("/blobs/" + stalled);
            if (stall) {
                limit = Math.min(stallAfterBytes, body.length - 1);
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
            if (stall) {
                stalledRequests.incrementAndGet();
                holdOpen();
                throw new IOException("fault injected: stalled after " + limit + " bytes");
            }
            if (cut) {
                // the exchange is closed with bytes missing: the server drops the connection
                throw new IOException("fault injected: connection cut after " + limit + " bytes");
            }
        }
    }


    /**
     * Holds a stalled exchange open, sending nothing, until the proxy closes (at most 10 minutes, a
     * safety net for a broken test). The client notices the stall on its own; its hang-up is not
     * watched (the JDK's server shows it only on a write, and a write would end the stall).
     */
    private void holdOpen() {
        try {
            released.await(10, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        http.close();
    }
}
