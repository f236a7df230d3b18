package dev.jcri.sandbox.cgroup;

import dev.jcri.linux.MountInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's cgroup mounts over a temporary directory: a mount table in /proc/self/mountinfo's
 * format, and each hierarchy's root directory with the files its root would have. The kernel's
 * interface files of new cgroups do not appear by themselves here: a test writes those it reads.
 */
final class FixtureNode {

    final Path root;
    private final List<String> mountinfo = new ArrayList<>();
    private int nextId = 30;

    FixtureNode(Path root) {
        this.root = root;
        mountinfo.add("22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw");
        mountinfo.add(nextId++ + " 22 0:28 / " + root + " rw,nosuid,nodev,noexec shared:8 - tmpfs tmpfs rw,mode=755");
    }

    /** Like this project's test machines after critest's setup: hugetlb on a v1 hierarchy of its own. */
    static FixtureNode hybrid(Path root) {
        return new FixtureNode(root).v1("cpu,cpuacct", "cpu,cpuacct").v1("cpuset", "cpuset").v1("memory", "memory")
                .v1("pids", "pids").v1("blkio", "blkio").v1("hugetlb", "hugetlb").v1("systemd", "xattr,name=systemd")
                .v2("unified", "");
    }

    static FixtureNode legacy(Path root) {
        return new FixtureNode(root).v1("cpu", "cpu").v1("cpuacct", "cpuacct").v1("memory", "memory").v1("pids", "pids");
    }

    static FixtureNode unified(Path root) {
        return new FixtureNode(root).v2("", "cpuset cpu io memory hugetlb pids");
    }

    /** A v1 hierarchy at {@code root/dir} with the given superblock controllers (comma-separated). */
    FixtureNode v1(String dir, String controllers) {
        Path mountPoint = mkdirs(root.resolve(dir));
        int id = nextId++;
        mountinfo.add(id + " 31 0:" + id + " / " + mountPoint + " rw,nosuid,nodev,noexec,relatime shared:" + id
                + " - cgroup cgroup rw," + controllers);
        return this;
    }

    /** The v2 hierarchy at {@code root/dir} ("" for the root itself) offering {@code controllers}. */
    FixtureNode v2(String dir, String controllers) {
        Path mountPoint = mkdirs(dir.isEmpty() ? root : root.resolve(dir));
        write(mountPoint.resolve("cgroup.controllers"), controllers);
        write(mountPoint.resolve("cgroup.subtree_control"), "");
        int id = nextId++;
        mountinfo.add(id + " 31 0:" + id + " / " + mountPoint + " rw,nosuid,nodev,noexec,relatime shared:" + id
                + " - cgroup2 cgroup2 rw,nsdelegate");
        return this;
    }

    /** A mount table line as it would be read, for tests of the parsing itself. */
    FixtureNode line(String mountinfoLine) {
        mountinfo.add(mountinfoLine);
        return this;
    }

    CgroupLayout layout() {
        try {
            return CgroupLayout.detect(root, MountInfo.parse(mountinfo));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory of {@code cgroupPath} in the hierarchy mounted at {@code root/hierarchy}. */
    Path dir(String hierarchy, String cgroupPath) {
        Path mountPoint = hierarchy.isEmpty() ? root : root.resolve(hierarchy);
        String relative = cgroupPath.replaceAll("^/+", "");
        return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative);
    }

    /** Writes a file (its directory made first); the fixture's kernel. */
    static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
