package dev.jcri.image.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Sends registry requests with java.net.http, following redirects itself: the Authorization header
 * goes only to the scheme, host and port it was meant for (a blob redirect to a CDN or object store
 * must not carry registry credentials). One HTTP client per TLS setting (system trust, extra CA
 * file, unverified for insecure hosts, client certificates for mutual TLS); plain HTTP uses HTTP/1.1.
 *
 * <p>Nothing a server sends is buffered without a bound: every body is a {@link BodyStream} (2xx
 * bodies are handed to the caller, which reads them within its own limits); an error body is read
 * up to {@link #MAX_ERROR_BODY_BYTES} within the timeout and the rest dropped with the exchange; a
 * Location header is at most {@link #MAX_LOCATION_CHARS} and names an http(s) URL; redirects stop
 * at {@link #MAX_REDIRECTS} or at the first URL seen twice. (The JDK itself refuses response headers
 * over 384 KiB.) Such violations are {@link RegistryProtocolException}s: retrying would not help.
 */
final class HttpTransport implements AutoCloseable {

    /** Redirects followed for one request (Docker's and Go's clients stop at 10 too). */
    static final int MAX_REDIRECTS = 10;
    /** A Location header longer than this is refused (signed CDN URLs are a few KiB). */
    static final int MAX_LOCATION_CHARS = 16 << 10;
    /** Bytes of an error body kept for the message (only the first 512 characters are shown). */
    static final int MAX_ERROR_BODY_BYTES = 16 << 10;

    /** A response: the body is streamed for 2xx (GET, POST), read into {@code errorBody} (at most {@link #MAX_ERROR_BODY_BYTES}) otherwise. */
    record Response(int status, HttpHeaders headers, URI uri, BodyStream body, byte[] errorBody) {
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        /** The announced Content-Length, or -1 when there is none (chunked) or it is unreadable. */
        long contentLength() {
            return headers.firstValueAsLong("Content-Length").orElse(-1);
        }

        void discard() {
            if (body != null) {
                body.close();
            }
        }

        String errorText() {
            if (errorBody == null || errorBody.length == 0) {
                return "";
            }
            String s = new String(errorBody, 0, Math.min(errorBody.length, 512), java.nio.charset.StandardCharsets.UTF_8).strip();
            return s.replaceAll("\\s+", " ");
        }
    }

    private final Duration connectTimeout;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

    HttpTransport(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * Sends a request, following redirects.
     *
     * @param authorization the Authorization value for the endpoint's own host, or null
     * @param timeout how long to wait for response headers, and then between body chunks; an error
     *                body must arrive whole within it
     */
    Response send(Endpoint endpoint, String method, URI uri, Map<String, String> headers, String authorization,
            Duration timeout, String what) throws IOException, InterruptedException {
        URI origin = uri;
        URI target = uri;
        Set<URI> visited = new HashSet<>();
        visited.add(uri.normalize());
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            boolean sameOrigin = sameOrigin(origin, target);
            HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout)
                    .method(method, HttpRequest.BodyPublishers.noBody());
            headers.forEach(b::header);
            if (endpoint != null && sameOrigin) {
                endpoint.config().headers().forEach(b::header);
            }
            if (authorization != null && sameOrigin) {
                b.header("Authorization", authorization);
            }
            HttpClient client = sameOrigin ? clientFor(endpoint, target) : clientFor(null, target);
            HttpResponse<BodyStream> r = exchange(client, b.build(), timeout, what, target);
            int status = r.statusCode();
            if (status >= 200 && status < 300 && !"HEAD".equals(method)) {
                return new Response(status, r.headers(), target, r.body(), null);
            }
            if (isRedirect(status) && r.headers().firstValue("Location").isPresent()) {
                r.body().close(); // a redirect's body is never needed
                URI next = redirectTarget(target, r.headers().firstValue("Location").get(), what);
                if (!visited.add(next.normalize())) {
                    throw new RegistryProtocolException("redirect loop fetching " + what + ": " + target.getHost()
                            + " sent it back to " + shorten(next) + ", already visited");
                }
                target = next;
                continue;
            }
            return new Response(status, r.headers(), target, null, r.body().readPrefix(MAX_ERROR_BODY_BYTES, timeout));
        }
        throw new RegistryProtocolException("more than " + MAX_REDIRECTS + " redirects fetching " + what + " from "
                + uri.getHost() + " (the limit)");
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** The URL a Location header points to, refused when too long, malformed or not http(s). */
    static URI redirectTarget(URI from, String location, String what) throws RegistryProtocolException {
        if (location.length() > MAX_LOCATION_CHARS) {
            throw new RegistryProtocolException(from.getHost() + " redirected " + what + " with a Location header of "
                    + location.length() + " characters, over the limit of " + MAX_LOCATION_CHARS);
        }
        URI next;
        try {
            next = from.resolve(location.strip());
        } catch (IllegalArgumentException e) {
            throw new RegistryProtocolException(from.getHost() + " redirected " + what + " to an invalid Location \""
                    + shorten(location) + "\"");
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || next.getHost() == null) {
            throw new RegistryProtocolException(from.getHost() + " redirected " + what + " to \"" + shorten(location)
                    + "\": only http and https URLs with a host are followed");
        }
        return next;
    }

    private static String shorten(Object o) {
        String s = String.valueOf(o);
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** One exchange; the body, whatever the status, is a stream nothing has read yet. */
    private static HttpResponse<BodyStream> exchange(HttpClient client, HttpRequest request, Duration timeout, String what,
            URI target) throws IOException, InterruptedException {
        try {
            return client.send(request, info -> HttpResponse.BodySubscribers.mapping(
                    HttpResponse.BodySubscribers.ofPublisher(), publisher -> {
                        BodyStream body = new BodyStream(timeout, what, target.getAuthority());
                        publisher.subscribe(body);
                        return body;
                    }));
        } catch (java.net.http.HttpTimeoutException e) {
            throw new BodyStream.StalledException("no response for " + timeout.toSeconds() + " s from " + target.getHost()
                    + " (" + what + ")");
        }
    }

    /** POSTs a form (OAuth2 token requests); no redirects; a 200 body is streamed, any other is read as an error body. */
    Response post(Endpoint endpoint, URI uri, String form, String what, Duration timeout)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<BodyStream> r = exchange(clientFor(endpoint, uri), request, timeout, what, uri);
        if (r.statusCode() == 200) {
            return new Response(200, r.headers(), uri, r.body(), null);
        }
        return new Response(r.statusCode(), r.headers(), uri, null, r.body().readPrefix(MAX_ERROR_BODY_BYTES, timeout));
    }

    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equals(u.getScheme()) ? 443 : 80;
    }

    HttpClient clientFor(Endpoint endpoint, URI target) throws IOException {
        RegistryHostConfig config = endpoint == null ? RegistryHostConfig.DEFAULT : endpoint.config();
        Duration dial = config.dialTimeout() == null ? connectTimeout : config.dialTimeout();
        if ("http".equals(target.getScheme())) {
            return clients.computeIfAbsent("plain:" + dial, k -> build(HttpClient.Version.HTTP_1_1, null, dial));
        }
        if (!config.hasTlsSettings()) {
            return clients.computeIfAbsent("default:" + dial, k -> build(HttpClient.Version.HTTP_2, null, dial));
        }
        // the files are read once per version of them, not per request: the client keeps its connections
        // open, and loading a CA bundle cost a parse of every system CA each time; a file replaced (a
        // configuration reload) has a new modification time or size, so gets a new client
        StringBuilder key = new StringBuilder("tls:").append(config.insecure()).append(":dial=").append(dial);
        if (config.caFile() != null) {
            key.append(":ca=").append(version(config.caFile()));
        }
        for (ClientCertificate c : config.clientCertificates()) {
            key.append(":client=").append(version(c.certFile())).append(',').append(version(c.keyPath()));
        }
        HttpClient client = clients.get(key.toString());
        if (client == null) {
            SSLContext ctx = sslContext(config);
            client = clients.computeIfAbsent(key.toString(), k -> build(HttpClient.Version.HTTP_2, ctx, dial));
        }
        return client;
    }

    private static String version(Path file) throws IOException {
        java.nio.file.attribute.BasicFileAttributes attrs = Files.readAttributes(file,
                java.nio.file.attribute.BasicFileAttributes.class);
        return file + "@" + attrs.lastModifiedTime().toMillis() + "/" + attrs.size();
    }

    private HttpClient build(HttpClient.Version version, SSLContext ssl, Duration dial) {
        HttpClient.Builder b = HttpClient.newBuilder().version(version).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(dial).executor(executor);
        if (ssl != null) {
            b.sslContext(ssl);
        }
        return b.build();
    }

    /**
     * The TLS context of a host's settings: its trust (every certificate when insecure, else the
     * system's CAs plus its CA file) and the client certificates it presents when asked.
     */
    private static SSLContext sslContext(RegistryHostConfig config) throws IOException {
        try {
            TrustManager[] trust = config.insecure() ? new TrustManager[] {TRUST_ALL}
                    : config.caFile() != null ? withCa(config.caFile()) : null;
            KeyManager[] keys = config.clientCertificates().isEmpty() ? null : TlsFiles.keyManagers(config.clientCertificates());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The system's trusted CAs plus those in a PEM file. */
    private static TrustManager[] withCa(Path pem) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            int i = 0;
            for (TrustManager tm : system.getTrustManagers()) {
                if (tm instanceof javax.net.ssl.X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        ks.setCertificateEntry("system-" + i++, c);
                    }
                }
            }
            for (Certificate c : TlsFiles.certificates(pem)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use CA file " + pem + ": " + e.getMessage(), e);
        }
    }

    /** Accepts any certificate and host name: only for hosts configured as insecure. */
    private static final TrustManager TRUST_ALL = new X509ExtendedTrustManager() {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, java.net.Socket s) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    @Override
    public void close() {
        clients.values().forEach(HttpClient::close);
        executor.shutdownNow();
    }
}
