package dev.jcri.conformance.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The cgroup level all of a run's pods live under, made by the test as kubelet makes /kubepods:
 * in every hierarchy (v1) or the unified one (v2), with a v1 cpuset level given its parent's CPUs
 * and memory nodes (an empty cpuset admits no task).
 */
final class CgroupLevel {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private CgroupLevel() {}

    static void create(String level) throws IOException {
        for (Path h : hierarchies()) {
            Path dir = Files.createDirectories(h.resolve(level.substring(1)));
            for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                Path own = dir.resolve(file);
                if (Files.exists(own) && Files.readString(own).isBlank()) {
                    Files.writeString(own, Files.readString(dir.getParent().resolve(file)).strip());
                }
            }
        }
    }

    /** Removes the level and whatever is still under it (deepest first); returns what was left under it. */
    static List<String> remove(String level) throws IOException {
        List<String> left = new ArrayList<>();
        if (level == null) {
            return left;
        }
        for (Path h : hierarchies()) {
            Path dir = h.resolve(level.substring(1));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            List<Path> dirs;
            try (Stream<Path> s = Files.walk(dir)) {
                dirs = s.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
            }
            for (Path d : dirs) {
                if (!d.equals(dir)) {
                    left.add("removed cgroup " + d);
                }
                try {
                    Files.delete(d);
                } catch (IOException e) {
                    left.add("could not remove cgroup " + d + ": " + e.getMessage());
                }
            }
        }
        return left;
    }

    private static List<Path> hierarchies() throws IOException {
        if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
            return List.of(ROOT);
        }
        List<Path> v1 = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (dash > 0 && line.substring(dash + 3).startsWith("cgroup ") && f[4].startsWith(ROOT + "/")) {
                v1.add(Path.of(f[4]));
            }
        }
        return v1;
    }
}
