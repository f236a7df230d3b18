package dev.jcri.server.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The effective configuration: every {@link Setting} with its value (from the file, a flag, or the
 * built-in default). Immutable.
 *
 * @param source  the main file it was read from, or null when only defaults (and drop-ins, flags) apply
 * @param dropIns the drop-in files merged after it, in the order applied
 */
public record JcriConfig(Map<String, Object> values, Path source, List<Path> dropIns) {

    public JcriConfig {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        dropIns = List.copyOf(dropIns);
    }

    public JcriConfig(Map<String, Object> values, Path source) {
        this(values, source, List.of());
    }

    /** The files this configuration came from, for logs: "FILE + drop-ins [a.toml, b.toml]". */
    public String describeSources() {
        String main = source == null ? "built-in defaults" : source.toString();
        return dropIns.isEmpty() ? main : main + " + drop-ins " + dropIns.stream().map(p -> p.getFileName().toString()).toList();
    }

    /** Built-in defaults only. */
    public static JcriConfig defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Setting<?> s : Settings.ALL) {
            values.put(s.key(), s.defaultValue());
        }
        return new JcriConfig(values, null);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        return (T) values.get(setting.key());
    }

    public Path path(Setting<String> setting) {
        return Path.of(get(setting));
    }

    /** A copy with one value replaced (flags override the file). */
    public <T> JcriConfig with(Setting<T> setting, T value) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(setting.key(), value);
        return new JcriConfig(copy, source, dropIns);
    }
}
