package dev.jcri.conformance.chaos;

import java.util.List;

/**
 * A process of the chaos run: what identifies whose it is (its cgroups name the pod and container,
 * its network namespace the pod, conmon's command line the container).
 *
 * @param cgroups paths from /proc/PID/cgroup (one per hierarchy)
 * @param netns   the link /proc/PID/ns/net points to, e.g. "net:[4026532771]"
 */
record HostProcess(long pid, long ppid, String comm, String cmdline, String cwd, List<String> cgroups, String netns,
        boolean zombie) {

    /** The value of {@code --flag VALUE} on the command line, or "". */
    String argument(String flag) {
        String[] words = cmdline.split(" ");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(flag)) {
                return words[i + 1];
            }
        }
        return "";
    }

    /** Whether one of its cgroup paths has {@code name} as a path element. */
    boolean inCgroupNamed(String name) {
        return cgroups.stream().anyMatch(c -> c.endsWith("/" + name) || c.contains("/" + name + "/"));
    }

    String describe() {
        String cmd = cmdline.length() > 160 ? cmdline.substring(0, 160) + "..." : cmdline;
        return comm + " pid " + pid + (zombie ? " (zombie)" : "") + ": " + cmd;
    }
}
