package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import java.nio.file.Path;

/** Where a container's CRI log goes: the pod's log_directory joined with the container's log_path. */
public final class LogPaths {
    /** Linux's limits on a path and on one of its names. */
    private static final int PATH_MAX = 4096;
    private static final int NAME_MAX = 255;

    private LogPaths() {}

    /**
     * The pod's log_directory (RunPodSandbox): empty, or an absolute path without NUL within the
     * kernel's limits that is a directory if it exists. Checked before anything is made, so that
     * a bad one is refused at RunPodSandbox rather than failing every CreateContainer later.
     */
    public static void checkDirectory(String logDirectory) throws JcriException {
        if (logDirectory.isEmpty()) {
            return;
        }
        if (logDirectory.indexOf('\0') >= 0) {
            throw JcriException.invalidArgument("log_directory", "contains a NUL byte");
        }
        if (!logDirectory.startsWith("/")) {
            throw JcriException.invalidArgument("log_directory", "must be absolute: \"" + logDirectory + "\"");
        }
        checkLength("log_directory", logDirectory);
        java.nio.file.Path dir = Path.of(logDirectory);
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw JcriException.invalidArgument("log_directory", logDirectory + " exists and is not a directory");
        }
    }

    private static void checkLength(String field, String path) throws JcriException {
        if (path.length() > PATH_MAX) {
            throw JcriException.invalidArgument(field, "longer than " + PATH_MAX + " bytes");
        }
        for (String name : path.split("/")) {
            if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > NAME_MAX) {
                throw JcriException.invalidArgument(field, "has a name longer than " + NAME_MAX + " bytes");
            }
        }
    }

    /**
     * The log file, or null when either part is empty (then the container has no log, as in
     * containerd). log_path is relative to the directory (a leading "/" is joined, as Go's
     * filepath.Join does); ".." is refused so that a request cannot write outside the pod's directory.
     */
    public static Path of(String logDirectory, String logPath) throws JcriException {
        if (logDirectory == null || logDirectory.isEmpty() || logPath == null || logPath.isEmpty()) {
            return null;
        }
        checkDirectory(logDirectory);
        checkLength("log_path", logPath);
        for (String part : logPath.split("/")) {
            if (part.equals("..")) {
                throw JcriException.invalidArgument("log_path", "must not contain \"..\": \"" + logPath + "\"");
            }
        }
        if (logPath.indexOf('\0') >= 0 || logDirectory.indexOf('\0') >= 0) {
            throw JcriException.invalidArgument("log_path", "contains a NUL byte");
        }
        String relative = logPath.replaceFirst("^/+", "");
        if ((logDirectory + "/" + relative).length() > PATH_MAX) {
            throw JcriException.invalidArgument("log_path", "the log file's path is longer than " + PATH_MAX + " bytes");
        }
        if (relative.isEmpty() || relative.endsWith("/")) {
            throw JcriException.invalidArgument("log_path", "must name a file: \"" + logPath + "\"");
        }
        return Path.of(logDirectory).resolve(relative).normalize();
    }
}
