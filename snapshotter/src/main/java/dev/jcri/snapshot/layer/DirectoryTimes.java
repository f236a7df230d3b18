package dev.jcri.snapshot.layer;

import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Directory modification times, applied after everything else: creating an entry in a directory
 * bumps its mtime, so setting it when the directory's own header is read would be undone by its
 * children. The last time recorded for a directory wins (tar semantics: later headers override).
 *
 * <p>At most {@link #MAX_PENDING} times wait: beyond, the longest-waiting one is applied at once.
 * A layer of a million directories must not hold a million entries of heap; archives list a
 * directory's children right after it, so by the time that many other directories have come, the
 * early one is almost always complete (if not, its mtime is the time of its last late child).
 */
final class DirectoryTimes {
    /** Directory times held until the end of the layer (a few MB of heap). */
    static final int MAX_PENDING = 16_384;

    private final Map<Path, long[]> times = new LinkedHashMap<>();
    private final int maxPending;

    DirectoryTimes() {
        this(MAX_PENDING);
    }

    DirectoryTimes(int maxPending) {
        this.maxPending = maxPending;
    }

    void record(Path dir, long seconds, long nanos) throws IOException {
        times.remove(dir); // re-inserted: the latest recorded waits longest
        times.put(dir, new long[] {seconds, nanos});
        if (times.size() > maxPending) {
            Iterator<Map.Entry<Path, long[]>> oldest = times.entrySet().iterator();
            Map.Entry<Path, long[]> e = oldest.next();
            oldest.remove();
            PosixFiles.setTimes(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[0], e.getValue()[1]);
        }
    }

    /** Times waiting now (for tests: never more than the limit). */
    int pending() {
        return times.size();
    }

    void forgetUnder(Path removed) {
        times.keySet().removeIf(p -> p.startsWith(removed));
    }

    void applyAll() throws IOException {
        for (Map.Entry<Path, long[]> e : times.entrySet()) {
            long[] t = e.getValue();
            PosixFiles.setTimes(e.getKey(), t[0], t[1], t[0], t[1]);
        }
        times.clear();
    }
}
