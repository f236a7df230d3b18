package dev.jcri.conformance.registry;

import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real OCI registry for tests: Debian's {@code /usr/bin/docker-registry} (distribution v2) on
 * 127.0.0.1 and a free port, with its storage and generated {@code config.yml} in a temp
 * directory; anonymous, htpasswd Basic auth ({@link #startWithBasicAuth}, bcrypt by
 * {@code htpasswd} of apache2-utils) or token auth against a {@link TokenServer}
 * ({@link #startWithTokenAuth}). {@link #close} stops it and deletes everything.
 *
 * <p>Images are pushed over the registry's HTTP API ({@link #push(String, TestImage)},
 * {@link #push(String, TestIndex)}); the push client authenticates with the registry's own
 * credentials.
 */
public final class TestRegistry implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/bin/docker-registry");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private final Process process;
    private final Path dir;
    private final int port;
    private final String username;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    private TestRegistry(Process process, Path dir, int port, String username, String password) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.username = username;
        this.password = password;
    }

    /** An anonymous registry. */
    public static TestRegistry start() throws IOException {
        return launch("", null, null);
    }

    /** A registry that wants Basic credentials (htpasswd, bcrypt). Needs {@code htpasswd} (apache2-utils). */
    public static TestRegistry startWithBasicAuth(String username, String password) throws IOException {
        Path dir = Files.createTempDirectory("jcri-registry-");
        Path htpasswd = dir.resolve("htpasswd");
        TokenServer.run("htpasswd", "-Bbc", htpasswd.toString(), username, password);
        return launch(dir, "auth:\n  htpasswd:\n    realm: jcri-test\n    path: " + htpasswd + "\n", username, password);
    }

    /** A registry that wants bearer tokens from {@code tokens}. */
    public static TestRegistry startWithTokenAuth(TokenServer tokens) throws IOException {
        return launch("auth:\n  token:\n    realm: " + tokens.realm() + "\n    service: " + TokenServer.SERVICE
                + "\n    issuer: " + TokenServer.ISSUER + "\n    rootcertbundle: " + tokens.certificate() + "\n",
                tokens.username(), tokens.password());
    }

    private static TestRegistry launch(String auth, String username, String password) throws IOException {
        return launch(Files.createTempDirectory("jcri-registry-"), auth, username, password);
    }

    private static TestRegistry launch(Path dir, String auth, String username, String password) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " not found: install docker-registry (bin/install-deps --test)");
        }
        int port = freePort();
        Path config = dir.resolve("config.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n" + auth);
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        TestRegistry r = new TestRegistry(p, dir, port, username, password);
        try {
            Deadline.await("docker-registry on 127.0.0.1:" + port, Duration.ofSeconds(30), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("docker-registry exited: " + r.log());
                }
                try {
                    HttpResponse<Void> resp = r.http.send(HttpRequest.newBuilder(r.uri("/v2/")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return (resp.statusCode() == 200 || resp.statusCode() == 401) ? Boolean.TRUE : null;
                } catch (IOException e) {
                    return null;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            });
        } catch (RuntimeException | Error e) {
            r.close();
            throw e;
        }
        return r;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code 127.0.0.1:PORT}: the registry part of references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create("http://" + host() + path);
    }

    /** The credentials this registry wants, or null for an anonymous one. */
    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    /** The registry's storage directory (to break blobs on purpose). */
    public Path storage() {
        return dir.resolve("storage");
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Pushes an image as {@code repo:tag} ("test/busybox:1"); returns how to pull it. */
    public PushedImage push(String repoAndTag, TestImage image) throws IOException, InterruptedException {
        String[] rt = splitTag(repoAndTag);
        pushImageContent(rt[0], image);
        putManifest(rt[0], rt[1], image.manifestMediaType(), image.manifestBytes());
        return new PushedImage(host() + "/" + rt[0] + ":" + rt[1], host() + "/" + rt[0] + "@" + image.manifestDigest(),
                image.manifestDigest(), image.id());
    }

    /** Pushes a multi-platform index as {@code repo:tag}; imageId is the linux/amd64 image's, if any. */
    public PushedImage push(String repoAndTag, TestIndex index) throws IOException, InterruptedException {
        String[] rt = splitTag(repoAndTag);
        String amd64 = null;
        for (TestImage image : index.images()) {
            pushImageContent(rt[0], image);
            putManifest(rt[0], image.manifestDigest(), image.manifestMediaType(), image.manifestBytes());
            if (image.architecture().equals("amd64") && image.os().equals("linux")) {
                amd64 = image.id();
            }
        }
        putManifest(rt[0], rt[1], index.mediaType(), index.bytes());
        return new PushedImage(host() + "/" + rt[0] + ":" + rt[1], host() + "/" + rt[0] + "@" + index.digest(),
                index.digest(), amd64);
    }

    /** Deletes a manifest by digest (the registry then answers 404 for it). */
    public void deleteManifest(String repository, String digest) throws IOException, InterruptedException {
        HttpResponse<String> r = send(repository, HttpRequest.newBuilder(uri("/v2/" + repository + "/manifests/" + digest)).DELETE());
        if (r.statusCode() != 202) {
            throw new IOException("DELETE manifest " + digest + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static String[] splitTag(String repoAndTag) {
        int colon = repoAndTag.lastIndexOf(':');
        if (colon < 0) {
            return new String[] {repoAndTag, "latest"};
        }
        return new String[] {repoAndTag.substring(0, colon), repoAndTag.substring(colon + 1)};
    }

    private void pushImageContent(String repo, TestImage image) throws IOException, InterruptedException {
        for (TestLayer l : image.layers()) {
            pushBlob(repo, l.digest(), l.blob());
        }
        pushBlob(repo, TestLayer.sha256(image.configBytes()), image.configBytes());
    }

    private void pushBlob(String repo, String digest, byte[] content) throws IOException, InterruptedException {
        HttpResponse<String> head = send(repo, HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (head.statusCode() == 200) {
            return;
        }
        HttpResponse<String> start = send(repo, HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (start.statusCode() != 202) {
            throw new IOException("starting blob upload to " + repo + ": HTTP " + start.statusCode() + " " + start.body());
        }
        String location = start.headers().firstValue("Location").orElseThrow();
        URI upload = uri("/").resolve(location);
        String sep = upload.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(upload + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpResponse<String> done = send(repo, HttpRequest.newBuilder(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)));
        if (done.statusCode() != 201) {
            throw new IOException("uploading blob " + digest + " to " + repo + ": HTTP " + done.statusCode() + " " + done.body());
        }
    }

    private void putManifest(String repo, String reference, String mediaType, byte[] bytes) throws IOException, InterruptedException {
        HttpResponse<String> r = send(repo, HttpRequest.newBuilder(uri("/v2/" + repo + "/manifests/" + reference))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        if (r.statusCode() != 201) {
            throw new IOException("pushing manifest " + repo + ":" + reference + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /** Sends with this registry's credentials: Basic, or a push+pull token fetched on the first 401. */
    private HttpResponse<String> send(String repo, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest.Builder copy = request.copy();
        String auth = tokens.get(repo);
        if (auth != null) {
            request.header("Authorization", auth);
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 401 || username == null) {
            return r;
        }
        String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
        String basic = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (challenge.startsWith("Basic")) {
            auth = basic;
        } else {
            Matcher m = PARAM.matcher(challenge);
            Map<String, String> params = new java.util.HashMap<>();
            while (m.find()) {
                params.put(m.group(1), m.group(2));
            }
            URI tokenUri = URI.create(params.get("realm") + "?service=" + URLEncoder.encode(params.getOrDefault("service", ""),
                    StandardCharsets.UTF_8) + "&scope=" + URLEncoder.encode("repository:" + repo + ":pull,push", StandardCharsets.UTF_8));
            HttpResponse<String> t = http.send(HttpRequest.newBuilder(tokenUri).header("Authorization", basic).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (t.statusCode() != 200) {
                throw new IOException("token server: HTTP " + t.statusCode() + " " + t.body());
            }
            auth = "Bearer " + Json.MAPPER.readTree(t.body()).path("token").asText();
        }
        tokens.put(repo, auth);
        copy.header("Authorization", auth);
        return http.send(copy.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

}
