package dev.jcri.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a runtime may leave behind on the host, counted so tests can compare before and after:
 * mounts (namespace pins, tmpfs, overlays) under a directory, cgroup directories under a path in
 * every hierarchy, and processes by name.
 */
public final class HostState {

    private HostState() {}

    public static List<String> mountsUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().normalize().toString();
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
                found.add(mountPoint);
            }
        }
        return found;
    }

    /** Existing cgroup directories named {@code relative} in any hierarchy (v1 or v2). */
    public static List<Path> cgroupDirs(String relative) throws IOException {
        List<Path> found = new ArrayList<>();
        Path root = Path.of("/sys/fs/cgroup");
        List<Path> hierarchies = Files.exists(root.resolve("cgroup.controllers")) ? List.of(root)
                : listDirs(root);
        for (Path h : hierarchies) {
            Path dir = h.resolve(relative.replaceAll("^/+", ""));
            if (Files.isDirectory(dir)) {
                found.add(dir);
            }
        }
        return found;
    }

    private static List<Path> listDirs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).toList();
        }
    }

    /**
     * Live PIDs of processes named {@code name} whose command line or environment mentions
     * {@code dir}: the test's own (conmon is given its bundle and pid file, jcri's infra launcher the
     * pod's pin paths, all under the test's state dir), never those of tests running beside it on the
     * same host. Zombies are left out: one waiting for a non-reaping init is not running anything.
     */
    public static List<Long> processesOf(String name, Path dir) {
        String marker = dir.toAbsolutePath().normalize() + "/";
        return processes(name).stream().filter(pid -> {
            try {
                Path proc = Path.of("/proc", Long.toString(pid));
                String stat = Files.readString(proc.resolve("stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    return false;
                }
                return mentions(proc.resolve("cmdline"), marker) || mentions(proc.resolve("environ"), marker);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }).toList();
    }

    private static boolean mentions(Path file, String marker) throws IOException {
        return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8).contains(marker);
    }

    /** PIDs of processes whose command name (comm) is {@code name}. */
    public static List<Long> processes(String name) {
        return ProcessHandle.allProcesses()
                .filter(p -> {
                    try {
                        return Files.readString(Path.of("/proc", Long.toString(p.pid()), "comm")).strip().equals(name);
                    } catch (IOException e) {
                        return false;
                    }
                })
                .map(ProcessHandle::pid).toList();
    }
}
