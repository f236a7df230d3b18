package dev.jcri.sandbox.spec;

import java.nio.file.Path;

/**
 * Where a container's CRI log goes: the pod's log_directory joined with the container's log_path
 * (both checked when their requests came: LogPathRules).
 */
public final class LogPaths {

    private LogPaths() {}

    /**
     * The log file, or null when either part is empty (then the container has no log, as in
     * containerd). log_path is relative to the directory (a leading "/" is joined, as Go's
     * filepath.Join does).
     */
    public static Path of(String logDirectory, String logPath) {
        if (logDirectory == null || logDirectory.isEmpty() || logPath == null || logPath.isEmpty()) {
            return null;
        }
        return Path.of(logDirectory).resolve(logPath.replaceFirst("^/+", "")).normalize();
    }
}
