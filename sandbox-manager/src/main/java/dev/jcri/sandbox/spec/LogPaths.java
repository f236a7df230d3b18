package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import java.nio.file.Path;

/** Where a container's CRI log goes: the pod's log_directory joined with the container's log_path. */
public final class LogPaths {
    private LogPaths() {}

    /**
     * The log file, or null when either part is empty (then the container has no log, as in
     * containerd). log_path is relative to the directory (a leading "/" is joined, as Go's
     * filepath.Join does); ".." is refused so that a request cannot write outside the pod's directory.
     */
    public static Path of(String logDirectory, String logPath) throws JcriException {
        if (logDirectory == null || logDirectory.isEmpty() || logPath == null || logPath.isEmpty()) {
            return null;
        }
        if (!logDirectory.startsWith("/")) {
            throw JcriException.invalidArgument("log_directory", "must be absolute: \"" + logDirectory + "\"");
        }
        for (String part : logPath.split("/")) {
            if (part.equals("..")) {
                throw JcriException.invalidArgument("log_path", "must not contain \"..\": \"" + logPath + "\"");
            }
        }
        if (logPath.indexOf('\0') >= 0 || logDirectory.indexOf('\0') >= 0) {
            throw JcriException.invalidArgument("log_path", "contains a NUL byte");
        }
        String relative = logPath.replaceFirst("^/+", "");
        if (relative.isEmpty() || relative.endsWith("/")) {
            throw JcriException.invalidArgument("log_path", "must name a file: \"" + logPath + "\"");
        }
        return Path.of(logDirectory).resolve(relative).normalize();
    }
}
