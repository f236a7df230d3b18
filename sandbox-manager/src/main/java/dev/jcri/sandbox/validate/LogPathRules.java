package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pod's log_directory and a container's log_path, which join into the file conmon writes
 * (containerd's join: log_path is relative to the directory, a leading "/" is joined).
 */
public final class LogPathRules {

    private LogPathRules() {}

    /**
     * RunPodSandbox's log_directory: empty, or an absolute path the kernel takes that is a
     * directory if it exists. Checked before anything is made, so that a bad one is refused at
     * RunPodSandbox rather than failing every CreateContainer later.
     */
    public static void directory(String field, String logDirectory) throws JcriException {
        if (logDirectory.isEmpty()) {
            return;
        }
        TextRules.absolutePath(field, logDirectory);
        Path dir = Path.of(logDirectory);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw JcriException.invalidArgument(field, logDirectory + " exists and is not a directory");
        }
    }

    /**
     * CreateContainer's log_path: a file name below the pod's directory, without "..", so that a
     * request cannot write outside it; the joined path within PATH_MAX.
     */
    public static void file(String field, String logDirectory, String logPath) throws JcriException {
        if (logPath.isEmpty()) {
            return;
        }
        TextRules.path(field, logPath);
        for (String part : logPath.split("/")) {
            if (part.equals("..")) {
                throw JcriException.invalidArgument(field, "must not contain \"..\": \"" + TextRules.shown(logPath) + "\"");
            }
        }
        String relative = logPath.replaceFirst("^/+", "");
        if (relative.isEmpty() || relative.endsWith("/")) {
            throw JcriException.invalidArgument(field, "must name a file: \"" + TextRules.shown(logPath) + "\"");
        }
        TextRules.maxBytes(field, logDirectory + "/" + relative, TextRules.PATH_MAX - 1);
    }
}
