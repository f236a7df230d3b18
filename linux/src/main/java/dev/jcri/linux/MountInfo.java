package dev.jcri.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One line of /proc/self/mountinfo (proc(5)), and the parser for the whole table.
 *
 * <p>mountinfo rather than /proc/mounts because it has mount ids, the root of bind mounts and
 * separates per-mount from per-superblock options. Paths are kernel-escaped (space, tab, newline
 * and backslash as {@code \ooo} octal); they are unescaped here.
 *
 * @param mountId       unique id of the mount
 * @param parentId      id of the parent mount
 * @param device        "major:minor" of the filesystem
 * @param root          the directory of the filesystem mounted here (differs from "/" for bind mounts)
 * @param mountPoint    where it is mounted, in this process's namespace
 * @param mountOptions  per-mount options (rw, nosuid, ...)
 * @param fsType        filesystem type (overlay, tmpfs, ...)
 * @param source        filesystem source ("none", a device, "overlay", ...)
 * @param superOptions  per-superblock options (for overlay: lowerdir=..., upperdir=...)
 */
public record MountInfo(int mountId, int parentId, String device, String root, Path mountPoint,
                        String mountOptions, String fsType, String source, String superOptions) {

    private static final Path SELF = Path.of("/proc/self/mountinfo");

    /** All mounts visible to this process, in the kernel's order (parents before children). */
    public static List<MountInfo> readAll() throws IOException {
        return parse(Files.readAllLines(SELF));
    }

    /**
     * Mounts at or below {@code dir}, deepest first: the order in which they can be unmounted.
     * Compares normalized absolute paths component-wise, so /a/bc is not "under" /a/b.
     */
    public static List<MountInfo> under(Path dir) throws IOException {
        Path base = dir.toAbsolutePath().normalize();
        // only lines that hold the path as the kernel writes it are parsed: the rest cannot be under it
        String written = escape(base.toString());
        List<MountInfo> found = new ArrayList<>();
        for (String line : Files.readAllLines(SELF)) {
            if (line.contains(written)) {
                MountInfo m = parseLine(line);
                if (m.mountPoint().startsWith(base)) {
                    found.add(m);
                }
            }
        }
        found.sort(Comparator.comparingInt((MountInfo m) -> m.mountPoint().getNameCount()).reversed()
                .thenComparing(Comparator.comparingInt(MountInfo::mountId).reversed()));
        return found;
    }

    /** Parses mountinfo lines (also a fixture's: tests describe a node by its mount table). */
    public static List<MountInfo> parse(List<String> lines) throws IOException {
        List<MountInfo> result = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (!line.isBlank()) {
                result.add(parseLine(line));
            }
        }
        return result;
    }

    /**
     * Format: {@code id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions}.
     * The optional fields vary in number, hence the search for the lone "-" separator.
     */
    static MountInfo parseLine(String line) throws IOException {
        String[] f = line.split(" ");
        int separator = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                separator = i;
                break;
            }
        }
        if (f.length < 7 || separator < 0 || separator + 2 >= f.length) {
            throw new IOException("malformed mountinfo line: " + line);
        }
        try {
            return new MountInfo(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], unescape(f[3]),
                    Path.of(unescape(f[4])), f[5], unescape(f[separator + 1]), unescape(f[separator + 2]),
                    separator + 3 < f.length ? unescape(f[separator + 3]) : "");
        } catch (NumberFormatException e) {
            throw new IOException("malformed mountinfo line: " + line, e);
        }
    }

    /** A path as mountinfo writes it: space, tab, newline and backslash as octal escapes ({@link #unescape} undone). */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case ' ' -> b.append("\\040");
                case '\t' -> b.append("\\011");
                case '\n' -> b.append("\\012");
                case '\\' -> b.append("\\134");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Reverses the kernel's octal escaping ({@code \040} for space, {@code \134} for backslash). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        // Escapes stand for single bytes of the (usually UTF-8) name: rebuild bytes, then decode.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(s.length());
        byte[] raw = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && i + 3 < raw.length && isOctal(raw[i + 1]) && isOctal(raw[i + 2]) && isOctal(raw[i + 3])) {
                bytes.write((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0'));
                i += 3;
            } else {
                bytes.write(raw[i]);
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static boolean isOctal(byte b) {
        return b >= '0' && b <= '7';
    }
}
