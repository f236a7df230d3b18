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

    /** Milliseconds from the exec of its first start to its first answered Version. */
    double firstStartMillis();

    /**
     * Milliseconds to the first answer of a start that first records a cache for the ones after
     * it (jcri's AOT cache: the first start after a build or an upgrade), NaN where there is none.
     */
    default double recordingStartMillis() {
        return Double.NaN;
    }

    /**
     * Stops it (SIGTERM; its pods keep running, as on an upgrade or a crash-free restart) and
     * starts it again with the same configuration; returns the milliseconds from the exec to its
     * first answered Version. {@link #pid()} and {@link #client()} are the new process's after.
     */
    double restart() throws java.io.IOException;

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
