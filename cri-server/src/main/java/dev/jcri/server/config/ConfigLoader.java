package dev.jcri.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a jcri TOML file against {@link Settings}. Unknown keys and invalid values are errors
 * naming the key, the file and its line: a typo must stop the daemon rather than silently run it
 * with a default the operator did not mean.
 */
public final class ConfigLoader {

    private static final TomlMapper TOML = new TomlMapper();

    private ConfigLoader() {}

    /**
     * Loads {@code file} over the built-in defaults. A missing file is an error unless
     * {@code missingMeansDefaults} (the default path may be absent on a fresh node).
     */
    public static JcriConfig load(Path file, boolean missingMeansDefaults) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (missingMeansDefaults) {
                return JcriConfig.defaults();
            }
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file);
    }

    /** Parses TOML text; {@code source} is used in messages and recorded in the result. */
    public static JcriConfig parse(String text, Path source) throws ConfigException {
        JsonNode tree;
        try {
            tree = TOML.readTree(text);
        } catch (JacksonException e) {
            throw new ConfigException(source + ": not valid TOML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
        }
        Map<String, Setting<?>> byKey = Settings.ALL.stream()
                .collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> a, LinkedHashMap::new));
        Set<String> tables = Settings.ALL.stream().map(Setting::table).filter(t -> !t.isEmpty())
                .collect(Collectors.toSet());
        Map<String, Object> values = new HashMap<>(JcriConfig.defaults().values());
        LineFinder lines = new LineFinder(text);
        walk(tree, "", byKey, tables, values, lines, source);
        return new JcriConfig(orderLikeSettings(values), source);
    }

    private static void walk(JsonNode node, String prefix, Map<String, Setting<?>> byKey, Set<String> tables,
            Map<String, Object> values, LineFinder lines, Path source) throws ConfigException {
        for (var field : node.properties()) {
            String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode value = field.getValue();
            Setting<?> setting = byKey.get(key);
            if (setting == null && value.isObject() && tables.contains(key)) {
                walk(value, key, byKey, tables, values, lines, source);
                continue;
            }
            if (setting == null) {
                throw new ConfigException("unknown key '" + key + "' in " + source + lines.describe(key)
                        + "; `jcri config default` lists every key");
            }
            try {
                values.put(key, setting.type().read(value));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("invalid value for '" + key + "' in " + source + lines.describe(key)
                        + ": " + e.getMessage() + ", got " + value);
            }
        }
    }

    private static Map<String, Object> orderLikeSettings(Map<String, Object> values) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (Setting<?> s : Settings.ALL) {
            ordered.put(s.key(), values.get(s.key()));
        }
        return ordered;
    }

    /** Finds the line where a dotted key is assigned, tracking [table] headers (best effort). */
    private static final class LineFinder {
        private final String[] lines;

        LineFinder(String text) {
            this.lines = text.split("\n", -1);
        }

        String describe(String dottedKey) {
            int line = find(dottedKey);
            return line > 0 ? " line " + line : "";
        }

        private int find(String dottedKey) {
            String table = "";
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.startsWith("[") && l.endsWith("]")) {
                    table = l.replaceAll("^\\[+|\\]+$", "").strip();
                    String unquoted = table.replace("\"", "");
                    if (unquoted.equals(dottedKey) || unquoted.startsWith(dottedKey + ".")) {
                        return i + 1; // the key's table, or the first of its nested tables
                    }
                    continue;
                }
                int eq = l.indexOf('=');
                if (eq <= 0 || l.startsWith("#")) {
                    continue;
                }
                String k = l.substring(0, eq).strip().replace("\"", "");
                String full = table.isEmpty() ? k : table + "." + k;
                if (full.equals(dottedKey)) {
                    return i + 1;
                }
            }
            return -1;
        }
    }
}
