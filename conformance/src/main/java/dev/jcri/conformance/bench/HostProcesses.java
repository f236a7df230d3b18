package dev.jcri.conformance.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The host's processes as /proc shows them (pid, parent, name, command line), and the cleanup
 * chores of a benchmark run: processes and mounts a runtime left under its directory.
 */
public final class HostProcesses {

    /**
     * One process: {@code cmdline} has its NUL separators replaced by spaces; {@code state} is the
     * state letter of /proc/PID/stat (R, S, D, Z, ...).
     */
    public record Proc(long pid, long ppid, String comm, String cmdline, char state) {
        public boolean zombie() {
            return state == 'Z' || state == 'X';
        }
    }

    private HostProcesses() {}

    /** Every process readable right now. */
    public static List<Proc> all() {
        List<Proc> procs = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String comm = stat.substring(stat.indexOf('(') + 1, close);
                    String[] rest = stat.substring(close + 2).split(" ");
                    byte[] cmd = Files.readAllBytes(dir.resolve("cmdline"));
                    procs.add(new Proc(Long.parseLong(dir.getFileName().toString()), Long.parseLong(rest[1]), comm,
                            new String(cmd, StandardCharsets.UTF_8).replace('\0', ' ').strip(), rest[0].charAt(0)));
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return procs;
    }

    /**
     * Processes whose command line contains {@code marker} (the runtime's private directory), other
     * than {@code exclude}, with all their descendants.
     */
    public static List<Proc> markedWithDescendants(String marker, long exclude) {
        List<Proc> procs = all();
        Map<Long, List<Proc>> children = new HashMap<>();
        for (Proc p : procs) {
            children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
        }
        List<Proc> found = new ArrayList<>();
        List<Proc> todo = new ArrayList<>(procs.stream()
                .filter(p -> p.pid() != exclude && p.cmdline().contains(marker)).toList());
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Proc p = todo.removeLast();
            if (!seen.add(p.pid())) {
                continue;
            }
            found.add(p);
            todo.addAll(children.getOrDefault(p.pid(), List.of()));
        }
        return found;
    }

    /** SIGKILLs what {@link #markedWithDescendants} finds; returns what it killed (a leak, when not empty). */
    public static List<Proc> killMarked(String marker, long exclude) {
        List<Proc> left = markedWithDescendants(marker, exclude);
        for (Proc p : left) {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        return left;
    }

    /** Mount points at or under {@code dir}, deepest first. */
    public static List<String> mountsUnder(Path dir) {
        String prefix = dir.toAbsolutePath().normalize().toString();
        List<String> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4].replace("\\040", " ");
                if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
                    found.add(mountPoint);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        found.sort(Comparator.comparingInt(String::length).reversed());
        return found;
    }

    /** Lazily unmounts everything under {@code dir}; returns the mount points (a leak, when not empty). */
    public static List<String> unmountUnder(Path dir) {
        List<String> mounts = mountsUnder(dir);
        for (String m : mounts) {
            run("umount", "-l", m);
        }
        return mounts;
    }

    /**
     * Creates {@code relative} (e.g. "/jcribench") in every cgroup hierarchy, as kubelet creates
     * its /kubepods before any pod: the runtimes then create only each pod's own cgroup under it.
     * On v1 a new cpuset cgroup gets its parent's cpus and mems (else no task could join it).
     */
    public static void createCgroups(String relative) {
        for (Path h : cgroupHierarchies()) {
            Path dir = h.resolve(relative.replaceAll("^/+", ""));
            try {
                Files.createDirectories(dir);
                for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                    Path own = dir.resolve(file);
                    if (Files.exists(own) && Files.readString(own).isBlank()) {
                        Files.writeString(own, Files.readString(dir.getParent().resolve(file)).strip());
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** The cgroup hierarchies: the unified root on v2; on v1 every controller's (and a hybrid host's empty v2 tree). */
    public static List<Path> cgroupHierarchies() {
        Path root = Path.of("/sys/fs/cgroup");
        List<Path> hierarchies = new ArrayList<>();
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            hierarchies.add(root);
        } else {
            try (Stream<Path> s = Files.list(root)) {
                s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).forEach(hierarchies::add);
            } catch (IOException e) {
                // no cgroups mounted
            }
        }
        return hierarchies;
    }

    /** Removes {@code relative} (e.g. "/jcribench") and its sub-directories in every cgroup hierarchy. */
    public static void removeCgroups(String relative) {
        for (Path h : cgroupHierarchies()) {
            Path top = h.resolve(relative.replaceAll("^/+", ""));
            if (!Files.isDirectory(top)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(top)) {
                s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> {
                    try {
                        Files.delete(d); // rmdir of an empty cgroup
                    } catch (IOException e) {
                        // busy: something still runs in it
                    }
                });
            } catch (IOException e) {
                // raced with the runtime's own removal
            }
        }
    }

    /** Deletes a directory tree, best effort (after {@link #unmountUnder}). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** Runs a command, waits for it, returns its exit code (output discarded). */
    public static int run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The first line of a command's output, or "" (for version strings). */
    public static String firstLine(String... command) {
        return output(true, command).lines().findFirst().orElse("").strip();
    }

    /** A command's standard output (its stderr discarded), or "" when it cannot run. */
    public static String output(String... command) {
        return output(false, command);
    }

    private static String output(boolean withStderr, String... command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            if (withStderr) {
                builder.redirectErrorStream(true);
            } else {
                builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            }
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
