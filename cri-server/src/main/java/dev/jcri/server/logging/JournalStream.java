package dev.jcri.server.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Is stderr connected to the journal? systemd says so by setting {@code JOURNAL_STREAM} to the
 * device and inode ({@code "dev:ino"}, decimal) of the stream it gave the service; the variable is
 * inherited by children whose stderr is something else entirely, so only a match of stderr's own
 * device and inode counts (the test systemd.exec(5) prescribes).
 */
public final class JournalStream {

    private JournalStream() {}

    /** Whether fd 2 of this process is the stream {@code JOURNAL_STREAM} in {@code env} names. */
    public static boolean isStderr(Map<String, String> env) {
        return matches(env.get("JOURNAL_STREAM"), Path.of("/proc/self/fd/2"));
    }

    /** Whether {@code value} ("dev:ino") names the file {@code stream} leads to. */
    static boolean matches(String value, Path stream) {
        if (value == null) {
            return false;
        }
        int colon = value.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        try {
            long device = Long.parseUnsignedLong(value.substring(0, colon).strip());
            long inode = Long.parseUnsignedLong(value.substring(colon + 1).strip());
            // stat(2) follows the /proc/self/fd link to the socket or pipe itself
            Map<String, Object> attributes = Files.readAttributes(stream, "unix:dev,ino");
            return ((Number) attributes.get("dev")).longValue() == device
                    && ((Number) attributes.get("ino")).longValue() == inode;
        } catch (NumberFormatException | IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
