package dev.jcri.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads a jcri TOML file against {@link Settings}. Unknown keys and invalid values are errors
 * naming the key, the file and its line: a typo must stop the daemon rather than silently run it
 * with a default the operator did not mean.
 */
public final class ConfigLoader {

    private static final TomlMapper TOML = new TomlMapper();

    private ConfigLoader() {}

    /** The drop-in directory beside a main config file: {@code /etc/jcri/jcri.d} for {@code /etc/jcri/jcri.toml}. */
    public static Path dropInDirectory(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("jcri.d") : parent.resolve("jcri.d");
    }

    /**
     * The drop-ins that apply: regular {@code *.toml} files of {@link #dropInDirectory}, in lexical
     * order of their names (hidden files, such as editors' temporaries, are skipped). A missing
     * directory means none.
     */
    public static List<Path> dropIns(Path file) throws ConfigException {
        Path dir = dropInDirectory(file);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".toml") && !p.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new ConfigException("cannot list drop-in directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads {@code file} over the built-in defaults, then its drop-ins in order. A missing file is
     * an error unless {@code missingMeansDefaults} (the default path may be absent on a fresh node;
     * its drop-ins still apply). A drop-in's key replaces the value so far, except tables of named
     * entries (runtime.handlers, registry.mirrors, registry.configs): there it adds or replaces
     * entries by name, so a drop-in can add a handler or a mirror without repeating the others.
     */
    public static JcriConfig load(Path file, boolean missingMeansDefaults) throws ConfigException {
        Map<String, Object> values = new HashMap<>(JcriConfig.defaults().values());
        Path source = null;
        String text = readIfExists(file);
        if (text != null) {
            apply(text, file, values, false);
            source = file;
        } else if (!missingMeansDefaults) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        List<Path> dropIns = dropIns(file);
        for (Path dropIn : dropIns) {
            String dropInText = readIfExists(dropIn);
            if (dropInText != null) {
                apply(dropInText, dropIn, values, true);
            }
        }
        return new JcriConfig(orderLikeSettings(values), source, dropIns);
    }

    private static String readIfExists(Path file) throws ConfigException {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses TOML text; {@code source} is used in messages and recorded in the result. */
    public static JcriConfig parse(String text, Path source) throws ConfigException {
        Map<String, Object> values = new HashMap<>(JcriConfig.defaults().values());
        apply(text, source, values, false);
        return new JcriConfig(orderLikeSettings(values), source);
    }

    private static void apply(String text, Path source, Map<String, Object> values, boolean mergeTables)
            throws ConfigException {
        JsonNode tree;
        try {
            tree = TOML.readTree(text);
        } catch (JacksonException e) {
            throw new ConfigException(source + ": not valid TOML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
        }
        if (tree == null) {
            return; // an empty file
        }
        Map<String, Setting<?>> byKey = Settings.ALL.stream()
                .collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> a, LinkedHashMap::new));
        Set<String> tables = Settings.ALL.stream().map(Setting::table).filter(t -> !t.isEmpty())
                .collect(Collectors.toSet());
        Map<String, Object> read = new HashMap<>();
        walk(tree, "", byKey, tables, read, new LineFinder(text), source);
        for (var e : read.entrySet()) {
            values.merge(e.getKey(), e.getValue(), mergeTables ? ConfigLoader::mergeEntries : (old, now) -> now);
        }
    }

    /** Tables of named entries gain or replace entries; any other value is replaced. */
    private static Object mergeEntries(Object old, Object now) {
        if (old instanceof Map<?, ?> before && now instanceof Map<?, ?> added) {
            Map<Object, Object> merged = new LinkedHashMap<>(before);
            merged.putAll(added);
            return Collections.unmodifiableMap(merged);
        }
        return now;
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
