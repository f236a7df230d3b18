package dev.jcri.conformance.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.conformance.Json;
import dev.jcri.conformance.bench.HostProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link HostFacts} of one chaos {@link Site} from the kernel and the file system: /proc,
 * mountinfo, cgroupfs, host-local's files, {@code ip link}, {@code iptables-save}, the OCI
 * runtime's {@code list}, and the daemon's per-object directories. Everything is scoped to the
 * site, so other tests on the machine do not count.
 */
final class HostProbe {

    /** The daemon's per-object directories: every name in them must belong to a listed object. */
    static final List<String> OBJECT_DIRS = List.of("root/pods", "state/pods", "root/containers", "state/containers",
            "state/exits", "state/attach", "root/cni/results");

    private static final Pattern PEER = Pattern.compile("^\\d+: eth0@if(\\d+):", Pattern.MULTILINE);
    /** The chains CNI plugins make per container: portmap's CNI-DN-<hash>, CNI-SN-<hash>, bridge's CNI-<hash>. */
    private static final Pattern POD_CHAIN = Pattern.compile("CNI-(DN-|SN-)?[0-9a-f]{16,}");

    private final Site site;

    HostProbe(Site site) {
        this.site = site;
    }

    /** Reads everything; {@code daemonPid} (the running daemon, or -1) is not counted as a process of the run. */
    HostFacts read(long daemonPid) {
        List<String> mounts = HostProcesses.mountsUnder(site.work());
        return new HostFacts(mounts, processes(daemonPid), cgroups(), ipam(), veths(), iptables(), runtimeContainers(),
                entries(), activeSnapshots(), files(new HashSet<>(mounts)));
    }

    /**
     * Processes of the run: in a cgroup under its parent, or with its directory on the command
     * line, as working directory or in the environment (conmon, runc, the infra process and its
     * launcher, CNI plugins). This JVM,
     * its ancestors and the daemon itself are not counted.
     */
    List<HostProcess> processes(long daemonPid) {
        Set<Long> excluded = new HashSet<>();
        excluded.add(daemonPid);
        for (ProcessHandle p = ProcessHandle.current(); p != null; p = p.parent().orElse(null)) {
            excluded.add(p.pid());
        }
        String workPrefix = site.work().toString() + "/";
        String cgroupPrefix = site.cgroupBase() + "/";
        List<HostProcess> found = new ArrayList<>();
        for (HostProcesses.Proc p : HostProcesses.all()) {
            if (excluded.contains(p.pid())) {
                continue;
            }
            Path proc = Path.of("/proc", Long.toString(p.pid()));
            List<String> cgroups = cgroupsOf(proc);
            String cwd = link(proc.resolve("cwd"));
            boolean ours = p.cmdline().contains(workPrefix) || (p.cmdline() + " ").contains(site.work() + " ")
                    || cwd.startsWith(workPrefix) || cwd.equals(site.work().toString())
                    || cgroups.stream().anyMatch(c -> c.equals(site.cgroupBase()) || c.startsWith(cgroupPrefix))
                    || environ(proc).contains(workPrefix);
            if (ours) {
                found.add(new HostProcess(p.pid(), p.ppid(), p.comm(), p.cmdline(), cwd, cgroups,
                        link(proc.resolve("ns").resolve("net")), p.zombie()));
            }
        }
        return found;
    }

    private static List<String> cgroupsOf(Path proc) {
        List<String> paths = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(proc.resolve("cgroup"))) {
                int colon = line.indexOf(':', line.indexOf(':') + 1);
                if (colon > 0) {
                    paths.add(line.substring(colon + 1));
                }
            }
        } catch (IOException e) {
            // gone meanwhile
        }
        return paths;
    }

    /** The process's environment (the infra launcher passes the pod's pin paths there), or "". */
    private static String environ(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String link(Path path) {
        try {
            return Files.readSymbolicLink(path).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** The network namespace a pin file holds, as /proc/PID/ns/net names it ("net:[INODE]"), or "". */
    static String namespaceOf(Path pin) {
        try {
            return "net:[" + Files.getAttribute(pin, "unix:ino") + "]";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Cgroup directories under the run's parent in every hierarchy (the parent itself excluded). */
    List<String> cgroups() {
        List<String> found = new ArrayList<>();
        for (Path h : HostProcesses.cgroupHierarchies()) {
            Path top = h.resolve(site.cgroupBase().replaceAll("^/+", ""));
            collectDirs(top, top, h.getFileName() + ":", found);
        }
        return found;
    }

    private static void collectDirs(Path top, Path dir, String prefix, List<String> found) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, c -> Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS))) {
            for (Path child : children) {
                found.add(prefix + "/" + top.relativize(child));
                collectDirs(top, child, prefix, found);
            }
        } catch (IOException e) {
            // not there (or removed meanwhile)
        }
    }

    /** host-local's allocation files: one per address, holding the container (pod) ID first. */
    Map<String, String> ipam() {
        Map<String, String> found = new TreeMap<>();
        Path dir = site.ipamDir().resolve(site.netName());
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, f -> f.getFileName().toString().startsWith(site.subnetPrefix()))) {
            for (Path f : files) {
                try {
                    found.put(f.getFileName().toString(), Files.readString(f).lines().findFirst().orElse("").strip());
                } catch (IOException e) {
                    // released meanwhile
                }
            }
        } catch (IOException e) {
            // no allocation yet
        }
        return found;
    }

    /** Links enslaved to the run's bridge: interface index → name. */
    Map<Integer, String> veths() {
        return links(HostProcesses.output("ip", "-o", "link", "show", "master", site.bridge()));
    }

    /** The host-side index of the peer of a pod's eth0 (its veth on the bridge), or -1. */
    static int peerIndex(Path netnsPin) {
        String out = HostProcesses.output("nsenter", "--net=" + netnsPin, "ip", "-o", "link", "show", "eth0");
        Matcher m = PEER.matcher(out);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** {@code ip -o link} lines ("15: veth1a2b@if2: <...") as index → name. */
    private static Map<Integer, String> links(String ipOutput) {
        Map<Integer, String> links = new TreeMap<>();
        for (String line : ipOutput.lines().toList()) {
            String[] parts = line.split(": ", 3);
            if (parts.length >= 2 && parts[0].strip().matches("\\d+")) {
                links.put(Integer.parseInt(parts[0].strip()), parts[1].replaceAll("@.*", ""));
            }
        }
        return links;
    }

    /**
     * Lines of iptables-save about the run's network: those naming its network or subnet
     * (portmap's rules carry them), and every line of the per-pod chains those lines jump to
     * (their declarations and rules, some of which name neither). Each line is prefixed with its
     * table ("nat: -A ...").
     */
    List<String> iptables() {
        List<String> all = new ArrayList<>();
        String table = "";
        for (String line : HostProcesses.output("iptables-save").lines().toList()) {
            if (line.startsWith("*")) {
                table = line.substring(1);
            } else if (!line.startsWith("#") && !line.equals("COMMIT")) {
                all.add(table + ": " + line);
            }
        }
        Set<String> chains = new HashSet<>();
        for (String line : all) {
            if (line.contains(site.netName()) || line.contains(site.subnetPrefix())) {
                Matcher m = POD_CHAIN.matcher(line);
                while (m.find()) {
                    chains.add(m.group());
                }
            }
        }
        return all.stream().filter(l -> l.contains(site.netName()) || l.contains(site.subnetPrefix())
                || chains.stream().anyMatch(l::contains)).toList();
    }

    List<HostFacts.RuntimeContainer> runtimeContainers() {
        String out = HostProcesses.output(site.handler(), "--root", site.runtimeRoot().toString(), "list", "--format", "json").strip();
        List<HostFacts.RuntimeContainer> found = new ArrayList<>();
        if (out.isEmpty() || out.equals("null")) {
            return found;
        }
        try {
            for (JsonNode c : Json.MAPPER.readTree(out)) {
                found.add(new HostFacts.RuntimeContainer(c.path("id").asText(), c.path("pid").asLong(), c.path("status").asText()));
            }
        } catch (IOException e) {
            found.add(new HostFacts.RuntimeContainer("(unreadable " + site.handler() + " list: " + out + ")", 0, "unknown"));
        }
        return found;
    }

    Map<String, List<String>> entries() {
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (String dir : OBJECT_DIRS) {
            found.put(dir, names(site.jcriDir().resolve(dir)));
        }
        return found;
    }

    private static List<String> names(Path dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            // not created yet
        }
        return names;
    }

    /** Keys of the snapshotter's writable (and view) snapshots, from its per-snapshot info.json. */
    List<String> activeSnapshots() {
        List<String> keys = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(site.root().resolve("snapshots").resolve("snapshots"))) {
            for (Path snapshot : s) {
                try {
                    JsonNode info = Json.MAPPER.readTree(snapshot.resolve("info.json").toFile());
                    if (!info.path("kind").asText().equals("COMMITTED")) {
                        keys.add(info.path("key").asText());
                    }
                } catch (IOException e) {
                    // being created or removed
                }
            }
        } catch (IOException e) {
            // no snapshots yet
        }
        return keys;
    }

    /** Paths under the daemon's root and state, relative to its directory; directories end in "/". */
    Set<String> files(Set<String> mountPoints) {
        Set<String> found = new TreeSet<>();
        for (Path top : List.of(site.root(), site.state())) {
            walk(top, mountPoints, found);
        }
        return found;
    }

    private void walk(Path dir, Set<String> mountPoints, Set<String> found) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                boolean isDir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                found.add(site.jcriDir().relativize(p) + (isDir ? "/" : ""));
                if (isDir && !mountPoints.contains(p.toString())) {
                    walk(p, mountPoints, found);
                }
            }
        } catch (IOException e) {
            // removed meanwhile
        }
    }
}
