package dev.jcri.snapshot.layer;

import dev.jcri.linux.PosixFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Directory modification times, applied after everything else: creating an entry in a directory
 * bumps its mtime, so setting it when the directory's own header is read would be undone by its
 * children. The last time recorded for a directory wins (tar semantics: later headers override).
 */
final class DirectoryTimes {
    private final Map<Path, long[]> times = new LinkedHashMap<>();

    void record(Path dir, long seconds, long nanos) {
        times.put(dir, new long[] {seconds, nanos});
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
