package dev.jcri.conformance.fuzz;

import dev.jcri.conformance.HostState;
import dev.jcri.conformance.bench.HostProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import runtime.v1.Api;

/**
 * Everything a case could leave behind, as comparable lines: mounts under the run's directory,
 * files under it (daemon root and state, log directories, host paths), cgroups under the run's
 * level (and containers' default ones), processes whose command line, environment, root or
 * working directory is under it, CNI address allocations, iptables rules naming the run's pods,
 * and the pods and containers the runtime lists. Taken before and after each case.
 */
record HostSnapshot(Set<String> lines) {


    /** Files that change without anything leaking: the image store (pulls), logs, IPAM bookkeeping. */
    private static final Pattern IGNORED_FILES = Pattern.compile(
            "jcri\\.log|jcri\\.sock|jcri\\.toml|root/images(/.*)?|ipam/.*/(last_reserved_ip.*|lock)|net\\.d(/.*)?");

    static HostSnapshot take(FuzzEnv env) throws IOException {
        Set<String> lines = new TreeSet<>();
        Path base = env.jcri().dir();
        for (String mount : HostState.mountsUnder(base)) {
            lines.add("mount " + base.relativize(Path.of(mount)));
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.filter(p -> !p.equals(base))
                    .map(p -> base.relativize(p).toString())
                    .filter(p -> !IGNORED_FILES.matcher(p).matches())
                    .forEach(p -> lines.add("file " + p));
        } catch (java.io.UncheckedIOException e) {
            return take(env); // a file vanished while walking: look again
        }
        cgroups(env, lines);
        processes(env, lines);
        lines.add("ipam addresses " + env.network().allocatedAddresses());
        iptables(env, lines);
        env.cri().runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsList()
                .forEach(p -> lines.add("listed pod " + p.getId()));
        env.cri().runtime().listContainers(Api.ListContainersRequest.getDefaultInstance()).getContainersList()
                .forEach(c -> lines.add("listed container " + c.getId()));
        return new HostSnapshot(lines);
    }

    /**
     * What differs from {@code before} ("+ line" new, "- line" gone), polled until nothing does or
     * {@code patience} passes (a monitor process may still be exiting); known leaks are left out.
     */
    List<String> awaitSameAs(HostSnapshot before, FuzzEnv env, Duration patience, List<String> knownSeen) throws IOException {
        long end = System.nanoTime() + patience.toNanos();
        HostSnapshot after = this;
        long pauseMillis = 5;
        while (true) {
            List<String> diff = new ArrayList<>();
            List<String> known = new ArrayList<>();
            for (String line : after.lines) {
                if (!before.lines.contains(line)) {
                    (isKnown(line) ? known : diff).add("+ " + line);
                }
            }
            for (String line : before.lines) {
                if (!after.lines.contains(line)) {
                    diff.add("- " + line);
                }
            }
            if (diff.isEmpty() || System.nanoTime() > end) {
                knownSeen.addAll(known);
                return diff;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return diff;
            }
            pauseMillis = Math.min(pauseMillis * 2, 200);
            after = take(env);
        }
    }

    private static boolean isKnown(String line) {
        return KnownIssues.KNOWN_LEAKS.stream().anyMatch(k -> k.line().matcher(line).find());
    }

    /** Directories under the run's cgroup level, and containers' default cgroups (/jcri/ID) of this run. */
    static void cgroups(FuzzEnv env, Set<String> lines) throws IOException {
        Path root = Path.of("/sys/fs/cgroup");
        for (Path h : HostProcesses.cgroupHierarchies()) {
            String name = h.equals(root) ? "" : h.getFileName() + ":";
            Path level = h.resolve(env.cgroupRoot().substring(1));
            if (Files.isDirectory(level)) {
                try (Stream<Path> dirs = Files.walk(level)) {
                    dirs.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) && !d.equals(level))
                            .forEach(d -> lines.add("cgroup " + name + h.relativize(d)));
                } catch (java.io.UncheckedIOException e) {
                    // a cgroup went while walking: the poll looks again
                }
            }
            Path defaults = h.resolve("jcri");
            if (Files.isDirectory(defaults)) {
                try (Stream<Path> dirs = Files.list(defaults)) {
                    dirs.filter(d -> env.idsSeen().contains(d.getFileName().toString()))
                            .forEach(d -> lines.add("cgroup " + name + h.relativize(d)));
                }
            }
        }
    }

    /** Processes that belong to the run: its paths in their command line or environment, or their root or cwd under it. */
    private static void processes(FuzzEnv env, Set<String> lines) {
        String base = env.jcri().dir().toString();
        long daemon = env.jcri().process().pid();
        ProcessHandle.allProcesses().forEach(p -> {
            if (p.pid() == daemon || p.pid() == ProcessHandle.current().pid()) {
                return;
            }
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            if (mentions(proc.resolve("cmdline"), base) || mentions(proc.resolve("environ"), base)
                    || linksUnder(proc.resolve("root"), base) || linksUnder(proc.resolve("cwd"), base)) {
                lines.add("process " + p.pid() + " " + read(proc.resolve("comm")).strip());
            }
        });
    }

    private static boolean mentions(Path file, String text) {
        return read(file).contains(text);
    }

    private static boolean linksUnder(Path link, String dir) {
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.equals(dir) || target.startsWith(dir + "/");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** NAT rules naming a pod of this run (portmap's chains carry the pod ID in a comment). */
    private static void iptables(FuzzEnv env, Set<String> lines) {
        try {
            Process p = new ProcessBuilder("iptables-save", "-t", "nat").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return;
            }
            for (String line : out.split("\n")) {
                if (line.contains("jcri-test") && env.idsSeen().stream().anyMatch(line::contains)) {
                    lines.add("iptables " + line);
                }
            }
        } catch (IOException e) {
            // no iptables on this machine: nothing to compare
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
