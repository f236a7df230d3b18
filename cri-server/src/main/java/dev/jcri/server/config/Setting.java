package dev.jcri.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.List;
import java.util.function.Function;

/**
 * One configuration key: its dotted name (TOML table path + key), built-in default, the comment
 * printed by {@code jcri config default}, and how a TOML value is checked and converted.
 *
 * @param <T> the Java type of the value
 */
public record Setting<T>(String key, T defaultValue, String comment, ValueType<T> type) {

    /** A mirror endpoint: http(s)://host[:port][/path] or host[:port][/path] (IPv6 hosts in brackets; plain path segments, no . or .., where the registry is served). */
    private static final Pattern ENDPOINT = Pattern.compile("(https?://)?([A-Za-z0-9.\\-]+|\\[[0-9a-fA-F:]+\\])(:[0-9]{1,5})?"
            + "(/(?!\\.\\.?(/|$))[A-Za-z0-9._~-]+)*/?");

    /** An IPv4 dotted quad or an IPv6 literal (hex groups and colons, optionally an embedded IPv4 tail). */
    private static final Pattern IP_LITERAL = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])|[0-9a-fA-F:]*:[0-9a-fA-F:.]*");

    /** The TOML table that holds this key ("" for the top level). */
    public String table() {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    /** The key's own name inside its table. */
    public String name() {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    /**
     * How one kind of value is read from TOML, checked, and written back as TOML text.
     *
     * @param expected words for error messages ("an absolute path", "one of: a, b")
     */
    public record ValueType<T>(String expected, Function<JsonNode, T> parse, Function<T, String> render) {

        /** Parses a TOML node, or throws IllegalArgumentException with the expectation. */
        public T read(JsonNode node) {
            T value;
            try {
                value = parse.apply(node);
            } catch (IllegalArgumentException e) {
                // a nested table's parser names the exact problem
                throw new IllegalArgumentException("expected " + expected
                        + (e.getMessage() != null ? " (" + e.getMessage() + ")" : ""));
            } catch (RuntimeException e) {
                value = null;
            }
            if (value == null) {
                throw new IllegalArgumentException("expected " + expected);
            }
            return value;
        }

        public static ValueType<String> string() {
            return new ValueType<>("a string", n -> n.isTextual() ? n.asText() : null, Setting::quote);
        }

        public static ValueType<String> absolutePath() {
            return new ValueType<>("an absolute path (a string starting with /)",
                    n -> n.isTextual() && n.asText().startsWith("/") ? n.asText() : null, Setting::quote);
        }

        public static ValueType<String> absolutePathOrEmpty() {
            return new ValueType<>("\"\" or an absolute path (a string starting with /)",
                    n -> n.isTextual() && (n.asText().isEmpty() || n.asText().startsWith("/")) ? n.asText() : null,
                    Setting::quote);
        }

        /** An IPv4 or IPv6 address literal (no host names: nothing is resolved at start). */
        public static ValueType<String> ipAddress() {
            return new ValueType<>("an IP address, e.g. \"127.0.0.1\", \"::1\" or \"0.0.0.0\"",
                    n -> n.isTextual() && IP_LITERAL.matcher(n.asText()).matches() ? n.asText() : null, Setting::quote);
        }

        public static ValueType<String> oneOf(String... choices) {
            List<String> allowed = List.of(choices);
            return new ValueType<>("one of: " + String.join(", ", allowed),
                    n -> n.isTextual() && allowed.contains(n.asText()) ? n.asText() : null, Setting::quote);
        }

        /** "" (off) or host:port with a numeric port; IPv6 hosts in brackets. */
        public static ValueType<String> listenAddressOrEmpty() {
            return new ValueType<>("\"\" (off) or host:port, e.g. \"127.0.0.1:9464\" or \"[::1]:9464\"",
                    n -> n.isTextual() && (n.asText().isEmpty() || ListenAddress.isValid(n.asText())) ? n.asText() : null,
                    Setting::quote);
        }

        public static ValueType<Long> integer(long min, long max) {
            return new ValueType<>("an integer from " + min + " to " + max,
                    n -> n.isIntegralNumber() && n.asLong() >= min && n.asLong() <= max ? n.asLong() : null,
                    String::valueOf);
        }

        public static ValueType<Boolean> bool() {
            return new ValueType<>("true or false", n -> n.isBoolean() ? n.asBoolean() : null, String::valueOf);
        }

        public static ValueType<List<String>> absolutePaths() {
            return textList("a list of absolute paths", s -> s.startsWith("/"));
        }

        public static ValueType<List<String>> nonEmptyStrings() {
            return textList("a list of non-empty strings", s -> !s.isBlank());
        }

        private static ValueType<List<String>> textList(String what, java.util.function.Predicate<String> valid) {
            return new ValueType<>(what, n -> {
                if (!n.isArray()) {
                    return null;
                }
                List<String> out = new ArrayList<>();
                for (JsonNode item : n) {
                    if (!item.isTextual() || !valid.test(item.asText())) {
                        return null;
                    }
                    out.add(item.asText());
                }
                return List.copyOf(out);
            }, list -> "[" + String.join(", ", list.stream().map(Setting::quote).toList()) + "]");
        }

        /** An inline table of names to non-empty strings: {@code { runc = "runc", crun = "/usr/bin/crun" }}. */
        public static ValueType<Map<String, String>> stringTable(String what) {
            return new ValueType<>("an inline table of " + what, n -> {
                if (!n.isObject() || n.isEmpty()) {
                    return null;
                }
                Map<String, String> out = new LinkedHashMap<>();
                for (var e : n.properties()) {
                    if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                        throw new IllegalArgumentException("\"" + e.getKey() + "\" must be a non-empty string");
                    }
                    out.put(e.getKey(), e.getValue().asText());
                }
                return Collections.unmodifiableMap(out);
            }, map -> "{ " + String.join(", ", map.entrySet().stream()
                    .map(e -> e.getKey() + " = " + quote(e.getValue())).toList()) + " }");
        }

        public static ValueType<Map<String, List<String>>> mirrorTable() {
            return new ValueType<>("tables [registry.mirrors.\"HOST\"] with endpoints = [\"http://host:port\", ...]", n -> {
                if (!n.isObject()) {
                    return null;
                }
                Map<String, List<String>> out = new LinkedHashMap<>();
                for (var e : n.properties()) {
                    JsonNode t = e.getValue();
                    if (!t.isObject()) {
                        throw new IllegalArgumentException("\"" + e.getKey() + "\" is not a table");
                    }
                    for (var k : t.properties()) {
                        if (!k.getKey().equals("endpoints")) {
                            throw new IllegalArgumentException("unknown key '" + k.getKey() + "' in \"" + e.getKey() + "\"");
                        }
                    }
                    JsonNode endpoints = t.get("endpoints");
                    if (endpoints == null || !endpoints.isArray()) {
                        throw new IllegalArgumentException("\"" + e.getKey() + "\" needs endpoints = [...]");
                    }
                    List<String> list = new ArrayList<>();
                    for (JsonNode ep : endpoints) {
                        String v = ep.isTextual() ? ep.asText() : "";
                        if (!ENDPOINT.matcher(v).matches()) {
                            throw new IllegalArgumentException("endpoint " + ep + " of \"" + e.getKey()
                                    + "\" is not http(s)://host[:port][/path] or host[:port][/path]");
                        }
                        list.add(v);
                    }
                    out.put(e.getKey(), List.copyOf(list));
                }
                return Collections.unmodifiableMap(out);
            }, map -> "{" + String.join(", ", map.entrySet().stream().map(e -> quote(e.getKey()) + " = { endpoints = ["
                    + String.join(", ", e.getValue().stream().map(Setting::quote).toList()) + "] }").toList()) + "}");
        }

        /** A table of registry hosts to their settings: {@code [registry.configs."HOST"]} TLS, credentials, override_path. */
        public static ValueType<Map<String, RegistryHostSettings>> registryHostTable() {
            return new ValueType<>("tables [registry.configs.\"HOST\"] with keys "
                    + String.join(", ", new TreeSet<>(RegistryHostSettings.KEYS.keySet())), n -> {
                if (!n.isObject()) {
                    return null;
                }
                Map<String, RegistryHostSettings> out = new LinkedHashMap<>();
                for (var e : n.properties()) {
                    JsonNode t = e.getValue();
                    if (!t.isObject()) {
                        throw new IllegalArgumentException("\"" + e.getKey() + "\" is not a table");
                    }
                    for (var k : t.properties()) {
                        String expect = RegistryHostSettings.KEYS.get(k.getKey());
                        if (expect == null) {
                            throw new IllegalArgumentException("unknown key '" + k.getKey() + "' in \"" + e.getKey() + "\"");
                        }
                        boolean ok = RegistryHostSettings.BOOLEANS.contains(k.getKey()) ? k.getValue().isBoolean()
                                : k.getValue().isTextual() && (!RegistryHostSettings.PATHS.contains(k.getKey())
                                        || k.getValue().asText().startsWith("/"));
                        if (!ok) {
                            throw new IllegalArgumentException(k.getKey() + " of \"" + e.getKey() + "\" must be " + expect);
                        }
                    }
                    out.put(e.getKey(), new RegistryHostSettings(t.path("insecure").asBoolean(false), t.path("ca_file").asText(""),
                            t.path("username").asText(""), t.path("password").asText(""), t.path("auth").asText(""),
                            t.path("identity_token").asText(""), t.path("cert_file").asText(""), t.path("key_file").asText(""),
                            t.path("override_path").asBoolean(false)));
                }
                return Collections.unmodifiableMap(out);
            }, map -> "{" + String.join(", ", map.entrySet().stream()
                    .map(e -> quote(e.getKey()) + " = " + e.getValue().toToml()).toList()) + "}");
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
