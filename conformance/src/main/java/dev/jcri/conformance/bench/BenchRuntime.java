package dev.jcri.conformance.bench;

import dev.jcri.conformance.CriClient;
import java.nio.file.Path;
import java.util.List;

/** A CRI runtime the benchmark started: its socket, its process, and how to recognize its helpers. */
public interface BenchRuntime extends AutoCloseable {

    /** "jcri" or "containerd". */
    String name();

    /** e.g. "containerd 1.6.20". */
    String version();

    CriClient client();

    long pid();

    /** A string that the command line of every helper process it keeps carries (its private directory). */
    String helperMarker();

    /** The directory under which it keeps everything (root, state, socket, logs). */
    Path dir();

    /**
     * Stops the runtime and removes what it left: processes, mounts, the directory. Returns a line
     * for each thing that was left behind after its pods were removed (empty: a clean stop).
     */
    List<String> stopAndCleanUp();

    @Override
    default void close() {
        stopAndCleanUp();
    }
}
