package dev.jcri.conformance.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jcri.conformance.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker token server for a {@link TestRegistry} with token auth, on 127.0.0.1: {@code GET
 * /token?service=..&scope=..} with Basic credentials returns a JWT (RS256, signed with a key whose
 * self-signed certificate, made by {@code openssl}, is the registry's root bundle and travels in
 * the token's x5c header). Wrong credentials get 401. Counts the tokens it issued.
 */
public final class TokenServer implements AutoCloseable {

    /** How the token endpoint answers: well, or as a hostile token server would. */
    public enum Behaviour {
        /** Tokens for good credentials, 401 for others. */
        NORMAL,
        /** Accepts the request and never answers. */
        SILENT,
        /** 200, then a JSON body that never ends. */
        ENDLESS_BODY,
        /** 401, then a body that never ends. */
        ENDLESS_REFUSAL,
        /** 200, then one byte every 200 ms, forever. */
        TRICKLE
    }

    public static final String SERVICE = "jcri-test-registry";
    public static final String ISSUER = "jcri-test-token-server";

    private final HttpServer server;
    private final Path dir;
    private final Path certificate;
    private final PrivateKey key;
    private final String certDer;
    private final String username;
    private final String password;
    private final long lifetimeSeconds;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger hostileRequests = new AtomicInteger();
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private volatile Behaviour behaviour = Behaviour.NORMAL;

    private TokenServer(Path dir, String username, String password, long lifetimeSeconds) throws IOException {
        this.dir = dir;
        this.username = username;
        this.password = password;
        this.lifetimeSeconds = lifetimeSeconds;
        this.certificate = dir.resolve("token-cert.pem");
        Path keyFile = dir.resolve("token-key.pem");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile.toString(), "-out",
                certificate.toString(), "-days", "2", "-subj", "/CN=" + ISSUER);
        try {
            String pem = Files.readString(keyFile).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            X509Certificate cert;
            try (var in = Files.newInputStream(certificate)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            this.certDer = Base64.getEncoder().encodeToString(cert.getEncoded());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot load the token key: " + e.getMessage(), e);
        }
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/token", this::token);
        server.start();
    }

    /** Starts a token server that accepts {@code username}/{@code password}; tokens live 5 minutes. */
    public static TokenServer start(String username, String password) throws IOException {
        return new TokenServer(Files.createTempDirectory("jcri-token-"), username, password, 300);
    }

    /** The realm URL to give the registry. */
    public URI realm() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    /** PEM certificate the registry verifies tokens with. */
    public Path certificate() {
        return certificate;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public int tokensIssued() {
        return issued.get();
    }

    /** From now on the token endpoint answers pulls this way. */
    public TokenServer behave(Behaviour b) {
        this.behaviour = b;
        return this;
    }

    /** Requests answered with a hostile behaviour. */
    public int hostileRequests() {
        return hostileRequests.get();
    }

    /**
     * Answers as a hostile token server would; false when the behaviour is NORMAL. Requests for a
     * push scope (the test's own pushes) are always served normally: only pullers meet the hostility.
     */
    private boolean hostile(HttpExchange ex) throws IOException {
        Behaviour b = behaviour;
        String scope = query(ex.getRequestURI().getRawQuery()).getOrDefault("scope", "");
        if (b == Behaviour.NORMAL || scope.contains("push")) {
            return false;
        }
        hostileRequests.incrementAndGet();
        try {
            switch (b) {
                case SILENT -> closing.await();
                case ENDLESS_BODY, ENDLESS_REFUSAL -> {
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(b == Behaviour.ENDLESS_BODY ? 200 : 401, 0);
                    OutputStream out = ex.getResponseBody();
                    out.write("{\"token\":\"".getBytes(StandardCharsets.US_ASCII));
                    byte[] chunk = new byte[16 << 10];
                    java.util.Arrays.fill(chunk, (byte) 'a');
                    for (long sent = 0; sent < (64L << 30) && closing.getCount() > 0; sent += chunk.length) {
                        out.write(chunk);
                    }
                }
                case TRICKLE -> {
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    out.write('{');
                    while (!closing.await(200, TimeUnit.MILLISECONDS)) {
                        out.write(' ');
                        out.flush();
                    }
                }
                default -> throw new IllegalStateException(b.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void token(HttpExchange ex) throws IOException {
        try (ex) {
            if (hostile(ex)) {
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(auth)) {
                reply(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
                return;
            }
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            String service = query.getOrDefault("service", SERVICE);
            String scope = query.get("scope");
            long now = Instant.now().getEpochSecond();
            ObjectNode claims = Json.MAPPER.createObjectNode();
            claims.put("iss", ISSUER);
            claims.put("sub", username);
            claims.put("aud", service);
            claims.put("exp", now + lifetimeSeconds);
            claims.put("nbf", now - 10);
            claims.put("iat", now);
            claims.put("jti", UUID.randomUUID().toString());
            ArrayNode access = claims.putArray("access");
            if (scope != null) {
                for (String s : scope.split(" ")) {
                    String[] parts = s.split(":");
                    if (parts.length == 3 && parts[0].equals("repository")) {
                        ObjectNode a = access.addObject();
                        a.put("type", "repository");
                        a.put("name", parts[1]);
                        ArrayNode actions = a.putArray("actions");
                        for (String action : parts[2].split(",")) {
                            actions.add(action);
                        }
                    }
                }
            }
            ObjectNode header = Json.MAPPER.createObjectNode();
            header.put("typ", "JWT");
            header.put("alg", "RS256");
            header.putArray("x5c").add(certDer);
            String signingInput = b64(Json.MAPPER.writeValueAsBytes(header)) + "." + b64(Json.MAPPER.writeValueAsBytes(claims));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            String jwt = signingInput + "." + b64(sig.sign());
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("token", jwt);
            body.put("access_token", jwt);
            body.put("expires_in", lifetimeSeconds);
            body.put("issued_at", Instant.ofEpochSecond(now).toString());
            issued.incrementAndGet();
            reply(ex, 200, Json.MAPPER.writeValueAsString(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    static void run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() throws IOException {
        closing.countDown();
        server.stop(0);
        TestRegistry.deleteTree(dir);
    }
}
