package dev.jcri.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.jcri.image.registry.ClientCertificate;
import dev.jcri.image.registry.EndpointResolver;
import dev.jcri.image.registry.RegistryCredentials;
import dev.jcri.image.registry.RegistryHostConfig;
import dev.jcri.image.registry.TlsFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * containerd's registry host directories ({@code config_path}, e.g. {@code /etc/containerd/certs.d}):
 * {@code <dir>/<registry>/hosts.toml}, read onto jcri's registry model so that a node moving from
 * containerd keeps its files. The mapping:
 * <ul>
 * <li>each {@code [host."URL"]} with the {@code pull} capability, in file order, is a mirror endpoint
 *     of the registry (as {@code registry.mirrors."REGISTRY".endpoints}); hosts without {@code pull}
 *     (push-only) are left out;</li>
 * <li>{@code skip_verify} is {@code insecure}, {@code ca} is {@code ca_file}, {@code client} is
 *     {@code cert_file}/{@code key_file} (relative paths from the hosts.toml's directory; every file
 *     checked when read), {@code header} is sent with every request to that host;</li>
 * <li>a URL path is where the registry is served ({@code <path>/v2}), or with {@code override_path}
 *     the API root itself, as in containerd; it stays part of the mirror's endpoint URL;</li>
 * <li>{@code server}: the registry itself; when it names another host than the registry's own (or
 *     the same at another path than /v2), it is tried after the mirrors (jcri then still tries the registry's own host last).</li>
 * </ul>
 * What jcri cannot honour is refused, naming the file and the key, rather than ignored: a host
 * without {@code resolve} (containerd uses it for digests only), more than one CA file, a
 * {@code _default} directory.
 */
public final class HostsDirectory {

    private static final TomlMapper TOML = new TomlMapper();
    private static final Set<String> HOST_KEYS = Set.of("capabilities", "skip_verify", "ca", "client", "header", "override_path",
            "dial_timeout");
    /** Headers the HTTP client or jcri itself sets: one from a file would be refused by the client or fight jcri's. */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "connection", "content-length", "expect",
            "host", "upgrade", "te", "transfer-encoding");

    /** What a directory adds: mirror endpoints per registry, settings per endpoint host. */
    public record Registries(Map<String, List<String>> mirrors, Map<String, RegistryHostConfig> hosts) {}

    private HostsDirectory() {}

    /** Reads every {@code <dir>/<registry>/hosts.toml}; a missing directory adds nothing. */
    public static Registries read(Path dir) throws ConfigException {
        Map<String, List<String>> mirrors = new LinkedHashMap<>();
        Map<String, RegistryHostConfig> hosts = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return new Registries(mirrors, hosts);
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.map(d -> d.resolve("hosts.toml")).filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list registry.config_path " + dir + ": " + e.getMessage(), e);
        }
        for (Path file : files) {
            readOne(file, mirrors, hosts);
        }
        hosts.values().removeIf(RegistryHostConfig.DEFAULT::equals);
        return new Registries(mirrors, hosts);
    }

    private static void readOne(Path file, Map<String, List<String>> mirrors, Map<String, RegistryHostConfig> hosts)
            throws ConfigException {
        String registry = file.getParent().getFileName().toString();
        if (registry.equals("_default")) {
            throw new ConfigException(file + ": a _default directory (hosts for every registry) is not supported by jcri;"
                    + " write one directory per registry");
        }
        JsonNode root;
        try {
            root = TOML.readTree(Files.readString(file));
        } catch (JacksonException e) {
            throw new ConfigException(file + ": not valid TOML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> endpoints = new ArrayList<>();
        JsonNode hostTable = root == null ? null : root.get("host");
        if (hostTable != null) {
            if (!hostTable.isObject()) {
                throw new ConfigException(file + ": host must be tables [host.\"URL\"]");
            }
            for (var h : hostTable.properties()) {
                String where = file + ": [host.\"" + h.getKey() + "\"]";
                Endpoint e = endpoint(h.getKey(), h.getValue(), where, file.getParent());
                if (e != null) {
                    endpoints.add(e.spec());
                    putHost(hosts, e, where);
                }
            }
        }
        if (root != null) {
            for (var k : root.properties()) {
                if (!k.getKey().equals("server") && !k.getKey().equals("host") && !HOST_KEYS.contains(k.getKey())) {
                    throw new ConfigException(file + ": unknown key '" + k.getKey() + "'");
                }
            }
            JsonNode server = root.get("server");
            if (server != null) {
                if (!server.isTextual()) {
                    throw new ConfigException(file + ": server must be a URL string");
                }
                Endpoint e = endpoint(server.asText(), root, file + ": server", file.getParent());
                boolean ownHost = e != null && (e.host().equals(registry)
                        || (registry.equals("docker.io") && e.host().equals("registry-1.docker.io")));
                if (e != null && (!ownHost || !e.root().equals(dev.jcri.image.registry.Endpoint.DEFAULT_ROOT))) {
                    endpoints.add(e.spec());
                }
                if (e != null) {
                    putHost(hosts, e, file + ": server");
                }
            }
        }
        if (!endpoints.isEmpty()) {
            mirrors.put(registry, List.copyOf(endpoints));
        }
    }

    private record Endpoint(String spec, String host, RegistryHostConfig config) {
        /** Where the registry API is on the host. */
        String root() {
            int slash = spec.indexOf('/', spec.indexOf("://") + 3);
            return EndpointResolver.root(slash < 0 ? "" : spec.substring(slash), config.overridePath());
        }
    }

    /** One host's URL and settings; null when it is not used for pulls (no pull capability). */
    private static Endpoint endpoint(String url, JsonNode t, String where, Path base) throws ConfigException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
            throw new ConfigException(where + ": the URL must be http(s)://host[:port]");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new ConfigException(where + ": the URL must be http(s)://host[:port][/path], without user, query or fragment");
        }
        if (path.contains("/../") || path.endsWith("/..") || path.contains("/./") || path.contains("%")) {
            throw new ConfigException(where + ": the URL path " + path + " must be plain segments (no . or .., no escapes)");
        }
        if (t.isObject()) {
            for (var k : t.properties()) {
                if (where.endsWith("\"]") && !HOST_KEYS.contains(k.getKey())) {
                    throw new ConfigException(where + ": unknown key '" + k.getKey() + "'");
                }
            }
        }
        JsonNode override = t.get("override_path");
        if (override != null && !override.isBoolean()) {
            throw new ConfigException(where + ": override_path must be true or false");
        }
        boolean overridePath = override != null && override.asBoolean();
        JsonNode caps = t.get("capabilities");
        if (caps != null) {
            List<String> list = new ArrayList<>();
            caps.forEach(c -> list.add(c.asText()));
            if (!list.contains("pull")) {
                return null;
            }
            if (!list.contains("resolve")) {
                throw new ConfigException(where + ": capabilities without \"resolve\" (a host for digests only) are not supported"
                        + " by jcri; add \"resolve\" or remove the host");
            }
        }
        String host = uri.getPort() >= 0 ? uri.getHost() + ":" + uri.getPort() : uri.getHost();
        Path ca = null;
        JsonNode caNode = t.get("ca");
        if (caNode != null) {
            if (caNode.isArray() && caNode.size() > 1) {
                throw new ConfigException(where + ": more than one ca file is not supported by jcri; concatenate them into one PEM file");
            }
            String caText = caNode.isArray() ? caNode.path(0).asText("") : caNode.asText("");
            if (caText.isEmpty()) {
                throw new ConfigException(where + ": ca must be a file path");
            }
            ca = base.resolve(caText).normalize();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode headerNode = t.get("header");
        if (headerNode != null) {
            if (!headerNode.isObject()) {
                throw new ConfigException(where + ": header must be a table of names to values");
            }
            for (var h : headerNode.properties()) {
                headers.put(headerName(h.getKey(), where), headerValue(h.getValue(), where + " header " + h.getKey()));
            }
        }
        boolean insecure = t.path("skip_verify").asBoolean(false);
        List<ClientCertificate> clients = clients(t.get("client"), where, base);
        String spec = uri.getScheme() + "://" + host + (path.equals("/") ? "" : path);
        Duration dial = dialTimeout(t.get("dial_timeout"), where);
        return new Endpoint(spec, host, new RegistryHostConfig(insecure, ca, RegistryCredentials.NONE, headers, clients,
                overridePath, dial));
    }

    /** The longest dial timeout accepted: beyond it a dead mirror would hold a pull for minutes before the next is tried. */
    static final Duration MAX_DIAL_TIMEOUT = Duration.ofMinutes(10);

    /**
     * containerd's {@code dial_timeout}: a Go duration ("500ms", "3s", "1m30s"; units ns, us, ms,
     * s, m, h), positive and at most {@link #MAX_DIAL_TIMEOUT}; null when the key is absent.
     */
    static Duration dialTimeout(JsonNode node, String where) throws ConfigException {
        if (node == null) {
            return null;
        }
        String text = node.isTextual() ? node.asText() : "";
        Duration d = goDuration(text);
        if (d == null || d.isZero() || d.isNegative() || d.compareTo(MAX_DIAL_TIMEOUT) > 0) {
            throw new ConfigException(where + ": dial_timeout must be a duration such as \"3s\" or \"500ms\", above 0 and at most "
                    + MAX_DIAL_TIMEOUT.toMinutes() + "m (got " + node + ")");
        }
        return d;
    }

    private static final java.util.regex.Pattern GO_DURATION_PART =
            java.util.regex.Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,9}))?(ns|us|\u00b5s|ms|s|m|h)");

    /** A Go {@code time.Duration} string without sign, or null when it is not one. */
    private static Duration goDuration(String text) {
        if (text.isEmpty() || text.length() > 64) {
            return null;
        }
        java.util.regex.Matcher m = GO_DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                return null;
            }
            long unitNanos = switch (m.group(3)) {
                case "ns" -> 1L;
                case "us", "\u00b5s" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            java.math.BigDecimal amount = new java.math.BigDecimal(m.group(1) + (m.group(2) == null ? "" : "." + m.group(2)));
            try {
                total = total.plusNanos(amount.multiply(java.math.BigDecimal.valueOf(unitNanos))
                        .setScale(0, java.math.RoundingMode.DOWN).longValueExact());
            } catch (ArithmeticException e) {
                return null; // beyond any sensible duration (the caller bounds it far below)
            }
            at = m.end();
        }
        return total;
    }

    /**
     * containerd's {@code client}: a path (certificate and key in one PEM file), a list of such
     * paths, or a list of {@code [cert, key]} pairs (an empty key: in the certificate's file);
     * relative paths are from the hosts.toml's directory. Every file is read and checked now, so
     * a wrong one fails the start or the reload rather than the first pull.
     */
    private static List<ClientCertificate> clients(JsonNode node, String where, Path base) throws ConfigException {
        if (node == null) {
            return List.of();
        }
        String forms = "client must be a path, a list of paths or a list of [cert, key] pairs";
        List<ClientCertificate> out = new ArrayList<>();
        List<JsonNode> entries = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(entries::add);
        } else {
            entries.add(node);
        }
        for (JsonNode e : entries) {
            if (e.isTextual() && !e.asText().isEmpty()) {
                out.add(new ClientCertificate(base.resolve(e.asText()).normalize(), null));
            } else if (e.isArray() && e.size() == 2 && e.get(0).isTextual() && !e.get(0).asText().isEmpty() && e.get(1).isTextual()) {
                String key = e.get(1).asText();
                out.add(new ClientCertificate(base.resolve(e.get(0).asText()).normalize(),
                        key.isEmpty() ? null : base.resolve(key).normalize()));
            } else {
                throw new ConfigException(where + ": " + forms);
            }
        }
        try {
            TlsFiles.check(out);
        } catch (IOException e) {
            throw new ConfigException(where + ": client: " + e.getMessage(), e);
        }
        return out;
    }

    private static String headerName(String name, String where) throws ConfigException {
        if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new ConfigException(where + ": header name '" + name + "' is not a valid HTTP header name");
        }
        if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new ConfigException(where + ": header " + name + " is set by jcri itself"
                    + (name.equalsIgnoreCase("authorization") ? " (put credentials in registry.configs)" : ""));
        }
        return name;
    }

    private static String headerValue(JsonNode value, String where) throws ConfigException {
        List<String> values = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(v -> values.add(v.asText()));
        } else if (value.isTextual()) {
            values.add(value.asText());
        } else {
            throw new ConfigException(where + ": must be a string or a list of strings");
        }
        String joined = String.join(", ", values);
        if (joined.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new ConfigException(where + ": a header value cannot hold line breaks");
        }
        return joined;
    }

    /**
     * Settings are per endpoint host in jcri's model, not per registry and host as in containerd: a
     * host that two files give different settings (one a header, the other none) is refused rather
     * than given one file's settings for both. Hosts with nothing to say add no entry: an empty
     * entry would hide settings jcri's tables give the registry's name.
     */
    private static void putHost(Map<String, RegistryHostConfig> hosts, Endpoint e, String where) throws ConfigException {
        RegistryHostConfig before = hosts.putIfAbsent(e.host(), e.config());
        if (before != null && !before.equals(e.config())) {
            throw new ConfigException(where + ": host " + e.host() + " appears twice (here or in another hosts.toml) with other settings;"
                    + " jcri keeps one set of settings per host");
        }
    }
}
