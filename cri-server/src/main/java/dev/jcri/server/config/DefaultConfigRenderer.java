package dev.jcri.server.config;

/** Renders the full default configuration as commented TOML ({@code jcri config default}). */
public final class DefaultConfigRenderer {

    private DefaultConfigRenderer() {}

    public static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# jcri configuration (TOML). Every key is shown with its built-in default.\n");
        out.append("# Default location: /etc/jcri/jcri.toml; a missing file means these defaults.\n");
        String table = "";
        for (Setting<?> s : Settings.ALL) {
            if (!s.table().equals(table)) {
                table = s.table();
                out.append("\n[").append(table).append("]\n");
            } else {
                out.append('\n');
            }
            for (String line : s.comment().split("\n")) {
                out.append("# ").append(line).append('\n');
            }
            out.append(s.name()).append(" = ").append(renderValue(s)).append('\n');
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static <T> String renderValue(Setting<T> s) {
        return s.type().render().apply(s.defaultValue());
    }
}
