package dev.jcri.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One configuration key: its dotted name (TOML table path + key), built-in default, the comment
 * printed by {@code jcri config default}, and how a TOML value is checked and converted.
 *
 * @param <T> the Java type of the value
 */
public record Setting<T>(String key, T defaultValue, String comment, ValueType<T> type) {

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
            return new ValueType<>("a list of absolute paths", n -> {
                if (!n.isArray()) {
                    return null;
                }
                List<String> out = new ArrayList<>();
                for (JsonNode item : n) {
                    if (!item.isTextual() || !item.asText().startsWith("/")) {
                        return null;
                    }
                    out.add(item.asText());
                }
                return List.copyOf(out);
            }, list -> "[" + String.join(", ", list.stream().map(Setting::quote).toList()) + "]");
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
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
