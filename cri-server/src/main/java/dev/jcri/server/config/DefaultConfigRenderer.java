package dev.jcri.server.config;

/**
 * Renders a configuration as commented TOML: the built-in defaults ({@code jcri config default})
 * or the effective one, files, drop-ins and flags merged ({@code jcri config dump}).
 */
public final class DefaultConfigRenderer {

    private DefaultConfigRenderer() {}

    public static String render() {
        return render(JcriConfig.defaults(), "# jcri configuration (TOML). Every key is shown with its built-in default.\n"
                + "# Default location: /etc/jcri/jcri.toml; a missing file means these defaults.\n");
    }

    /** {@code config}'s every value, after {@code header} (comment lines). */
    public static String render(JcriConfig config, String header) {
        StringBuilder out = new StringBuilder(header);
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
            out.append(s.name()).append(" = ").append(renderValue(s, config.get(s))).append('\n');
        }
        return out.toString();
    }

    /** Keys whose values are credentials: {@code config dump} shows that they are set, never what they are. */
    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile(
            "\\b(password|auth|identity_token|registry_token)(\\s*=\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

    /** The rendered configuration with every credential replaced by {@code "***"} (for dumps, logs, bug reports). */
    public static String maskSecrets(String toml) {
        return SECRET.matcher(toml).replaceAll("$1$2\"***\"");
    }

    @SuppressWarnings("unchecked")
    private static <T> String renderValue(Setting<T> s, Object value) {
        return s.type().render().apply((T) value);
    }
}
