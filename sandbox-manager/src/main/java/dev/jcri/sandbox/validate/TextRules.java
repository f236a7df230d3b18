package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.nio.charset.StandardCharsets;

/**
 * Checks of strings that become paths, argv entries, file lines or names: NUL bytes (C strings end
 * there: Path.of and ProcessBuilder throw, the runtime truncates), line breaks, and the kernel's
 * size limits, so a megabyte of input is refused here rather than failing an exec with E2BIG.
 */
public final class TextRules {

    /** Linux's longest path (including its NUL) and longest name of one path component. */
    public static final int PATH_MAX = 4096;
    public static final int NAME_MAX = 255;
    /** Linux's longest single argv or environment string an exec takes (32 pages, with its NUL). */
    public static final int MAX_ARG_STRLEN = 32 * 4096;

    private TextRules() {}

    public static void noNul(String field, String value) throws JcriException {
        if (value.indexOf('\0') >= 0) {
            throw JcriException.invalidArgument(field, "contains a NUL byte");
        }
    }

    /** No NUL and no line break: the value becomes one line of a file. */
    public static void oneLine(String field, String value) throws JcriException {
        noNul(field, value);
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw JcriException.invalidArgument(field, "contains a line break");
        }
    }

    /** At most {@code max} bytes in UTF-8. */
    public static void maxBytes(String field, String value, int max) throws JcriException {
        // a char is at most 3 bytes: only long strings need encoding
        if (value.length() > max || (value.length() * 3L > max && utf8Length(value) > max)) {
            throw JcriException.invalidArgument(field, "longer than " + max + " bytes (" + utf8Length(value) + ")");
        }
    }

    /**
     * An absolute path the kernel can take: no NUL, shorter than PATH_MAX, every name within
     * NAME_MAX. Returns it unchanged.
     */
    public static String absolutePath(String field, String path) throws JcriException {
        if (path.isEmpty() || !path.startsWith("/")) {
            throw JcriException.invalidArgument(field, "must be an absolute path: \"" + shown(path) + "\"");
        }
        path(field, path);
        return path;
    }

    /** Any path the kernel can take (relative or absolute): no NUL, within PATH_MAX and NAME_MAX. */
    public static void path(String field, String path) throws JcriException {
        noNul(field, path);
        maxBytes(field, path, PATH_MAX - 1);
        for (String name : path.split("/")) {
            if (utf8Length(name) > NAME_MAX) {
                throw JcriException.invalidArgument(field, "has a name longer than " + NAME_MAX + " bytes");
            }
        }
    }

    /** Lexical cleaning like Go's filepath.Clean for absolute paths: ".." at the root stays at the root. */
    public static String clean(String absolute) {
        java.util.ArrayDeque<String> parts = new java.util.ArrayDeque<>();
        for (String p : absolute.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(p);
            }
        }
        return "/" + String.join("/", parts);
    }

    /** A value as an error message may show it: cut, with NUL and line breaks visible. */
    public static String shown(String value) {
        String cut = value.length() > 64 ? value.substring(0, 64) + "...(" + value.length() + " chars)" : value;
        return cut.replace("\0", "\\0").replace("\n", "\\n").replace("\r", "\\r");
    }

    static long utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }
}
