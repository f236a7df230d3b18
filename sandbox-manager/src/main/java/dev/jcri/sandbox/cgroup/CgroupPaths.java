package dev.jcri.sandbox.cgroup;

import java.util.ArrayList;
import java.util.List;

/**
 * Absolute cgroup paths ({@code /kubepods/burstable/pod1}), as the kernel shows them in
 * /proc/PID/cgroup and as OCI's cgroupsPath names them. A path never leaves its hierarchy: "." and
 * ".." components are refused wherever a path is turned into a directory.
 */
final class CgroupPaths {

    private CgroupPaths() {}

    /** The components of a path, without empty ones ({@code "/a//b/"} → [a, b]); "" and "/" are the root. */
    static List<String> components(String cgroupPath) {
        List<String> parts = new ArrayList<>();
        for (String part : cgroupPath.split("/")) {
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("cgroup path '" + cgroupPath + "' must not contain '.' or '..'");
            }
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        return parts;
    }

    /** The path relative to its hierarchy's root ({@code "/a/b/"} → {@code "a/b"}, the root → ""). */
    static String relative(String cgroupPath) {
        return String.join("/", components(cgroupPath));
    }
}
