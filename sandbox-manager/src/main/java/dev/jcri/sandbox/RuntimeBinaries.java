package dev.jcri.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the executables jcri drives (OCI runtimes, conmon) on the daemon's PATH. */
public final class RuntimeBinaries {

    private RuntimeBinaries() {}

    /** An absolute name is taken as is; a bare name is searched on $PATH (plus the usual sbin dirs). */
    public static Optional<Path> find(String name) {
        if (name.contains("/")) {
            Path p = Path.of(name);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        for (String dir : searchPath()) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private static List<String> searchPath() {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        // daemons started by systemd may get a short PATH; Debian installs runc/crun/conmon in /usr/bin or /usr/sbin
        for (String d : List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/libexec/podman")) {
            if (!dirs.contains(d)) {
                dirs.add(d);
            }
        }
        return dirs;
    }
}
