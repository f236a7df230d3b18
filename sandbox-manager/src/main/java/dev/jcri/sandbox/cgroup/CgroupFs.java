package dev.jcri.sandbox.cgroup;

import dev.jcri.linux.MountInfo;
import dev.jcri.linux.ProcFiles;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's cgroup filesystem: unified v2 (one hierarchy at /sys/fs/cgroup), or v1 with one
 * hierarchy per controller (hybrid nodes also mount an empty v2 tree, which holds no controllers
 * and is ignored here, as runc does).
 */
public final class CgroupFs {

    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final boolean v2;
    private final List<Path> hierarchies;

    private CgroupFs(boolean v2, List<Path> hierarchies) {
        this.v2 = v2;
        this.hierarchies = List.copyOf(hierarchies);
    }

    public static CgroupFs detect() throws IOException {
        if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
            return new CgroupFs(true, List.of(ROOT));
        }
        List<Path> v1 = new ArrayList<>();
        for (MountInfo m : MountInfo.readAll()) {
            if (m.fsType().equals("cgroup") && m.mountPoint().startsWith(ROOT)) {
                v1.add(m.mountPoint());
            }
        }
        return new CgroupFs(false, v1);
    }

    public boolean isV2() {
        return v2;
    }

    /** The directory of {@code cgroupPath} (absolute within the hierarchy) in each hierarchy. */
    public List<Path> dirsOf(String cgroupPath) {
        String relative = cgroupPath.replaceAll("^/+", "");
        return hierarchies.stream().map(h -> h.resolve(relative)).toList();
    }

    /** The hierarchy holding a v1 controller (e.g. "memory"), or the unified root on v2. */
    public Path dirOf(String controller, String cgroupPath) {
        String relative = cgroupPath.replaceAll("^/+", "");
        if (v2) {
            return ROOT.resolve(relative);
        }
        for (Path h : hierarchies) {
            if (List.of(h.getFileName().toString().split(",")).contains(controller)) {
                return h.resolve(relative);
            }
        }
        return ROOT.resolve(controller).resolve(relative);
    }

    /**
     * Creates {@code cgroupPath} in every hierarchy; returns the directories that did not exist
     * before, parents before children, so the caller can remove exactly what it made.
     */
    public List<Path> createMissing(String cgroupPath) throws IOException {
        List<Path> created = new ArrayList<>();
        try {
            for (Path hierarchy : hierarchies) {
                Path dir = hierarchy;
                for (String part : cgroupPath.replaceAll("^/+", "").split("/")) {
                    if (part.isEmpty()) {
                        continue;
                    }
                    dir = dir.resolve(part);
                    if (!Files.isDirectory(dir)) {
                        try {
                            Files.createDirectory(dir);
                        } catch (java.nio.file.FileAlreadyExistsException raced) {
                            continue; // another pod made this parent at the same moment: it is not ours
                        }
                        created.add(dir);
                        inheritCpuset(dir);
                    }
                }
            }
        } catch (IOException e) {
            removeCreated(created);
            throw e;
        }
        return created;
    }

    /**
     * A new v1 cpuset cgroup starts with empty cpus/mems, and no task may join it until they are
     * set (the write fails with ENOSPC): give it its parent's, as the kernel does on v2.
     */
    private static void inheritCpuset(Path dir) throws IOException {
        for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
            Path own = dir.resolve(file);
            if (Files.exists(own) && ProcFiles.read(own).isBlank()) {
                Files.writeString(own, ProcFiles.read(dir.getParent().resolve(file)).strip());
            }
        }
    }

    /**
     * Removes directories made by {@link #createMissing}, children first. The deepest ones (the
     * pod's own cgroup in each hierarchy) must go: one still holding a process is reported, never
     * forced. A parent that other pods' cgroups now live under (a shared {@code /kubepods}-like
     * level the first pod happened to create) stays for them.
     */
    public static void removeCreated(List<Path> created) throws IOException {
        IOException first = null;
        for (int i = created.size() - 1; i >= 0; i--) {
            Path dir = created.get(i);
            boolean leaf = created.stream().noneMatch(other -> other.startsWith(dir) && !other.equals(dir));
            try {
                Files.deleteIfExists(dir);
            } catch (FileSystemException e) {
                // rmdir of a cgroup with child cgroups fails with EBUSY (or ENOTEMPTY)
                if (leaf) {
                    first = first == null ? new IOException("cannot remove cgroup " + dir + ": " + e.getReason(), e) : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
