package dev.jcri.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading /proc and /sys files. They report size 0, and {@code Files.readString} trusts the size:
 * on some of them (the /proc/sys seq files) it gets one byte and then end-of-file, so
 * {@code cap_last_cap} reads "4" instead of "40". A plain read loop into a buffer returns it all.
 */
public final class ProcFiles {

    private static final int MAX = 1 << 20;

    private ProcFiles() {}

    /** The whole file as UTF-8 text. */
    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[8192];
            int total = 0;
            while (true) {
                if (total == buf.length) {
                    if (buf.length >= MAX) {
                        throw new IOException(file + " is larger than " + MAX + " bytes");
                    }
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, total, buf.length - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return new String(buf, 0, total, StandardCharsets.UTF_8);
        }
    }

    /** The file's text without surrounding whitespace, or "" if it cannot be read. */
    public static String readTrimmedOrEmpty(Path file) {
        try {
            return read(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
