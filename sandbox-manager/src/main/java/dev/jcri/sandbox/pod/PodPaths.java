package dev.jcri.sandbox.pod;

import java.nio.file.Path;

/**
 * Where a pod's things live. Persistent ones (record, hostname/hosts/resolv.conf that containers
 * bind-mount) under the root dir; volatile ones (namespace pins, /dev/shm tmpfs) under the state
 * dir, which a reboot empties together with the kernel objects they pin.
 */
public record PodPaths(Path rootDir, Path stateDir) {

    public PodPaths(Path root, Path state, String id) {
        this(root.resolve("pods").resolve(id), state.resolve("pods").resolve(id));
    }

    public static Path recordsDir(Path root) {
        return root.resolve("pods");
    }

    public static Path volatileDir(Path state) {
        return state.resolve("pods");
    }

    /** The record's file name in each pod's root directory. */
    static final String RECORD_FILE = "pod.json";

    public Path record() {
        return recordIn(rootDir);
    }

    /** The record file in a pod's root directory. */
    static Path recordIn(Path podRootDir) {
        return podRootDir.resolve(RECORD_FILE);
    }

    public Path hostname() {
        return rootDir.resolve("hostname");
    }

    public Path hosts() {
        return rootDir.resolve("hosts");
    }

    public Path resolvConf() {
        return rootDir.resolve("resolv.conf");
    }

    public Path namespacePin(String kind) {
        return stateDir.resolve("ns").resolve(kind);
    }

    public Path shm() {
        return stateDir.resolve("shm");
    }
}
