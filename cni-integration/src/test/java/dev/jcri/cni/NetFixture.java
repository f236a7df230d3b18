package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;
import dev.jcri.linux.ChildProcess;
import dev.jcri.linux.ProcessResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A throwaway CNI world for one test: its own conf, cache, host-local data and fake-plugin dirs, a
 * unique bridge name and a private /24 not routed on this machine, network namespaces made with
 * {@code ip netns add}. {@link #close} removes everything and {@link #assertNothingLeaked} checks it.
 */
final class NetFixture implements AutoCloseable {
    static final Path REAL_PLUGINS = Path.of("/usr/lib/cni");

    final String suffix = HexFormat.of().formatHex(randomBytes(3));
    final String bridge = "jct" + suffix;
    final String subnetPrefix;
    final Path root;
    final Path confDir;
    final Path cacheDir;
    final Path ipamDir;
    final Path fakeBin;
    final String networkName = "jcri-test-" + suffix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> servers = new ArrayList<>();
    final List<String> containerIds = new ArrayList<>();

    NetFixture(Path root) throws IOException {
        this.root = root;
        this.confDir = Files.createDirectories(root.resolve("net.d"));
        this.cacheDir = Files.createDirectories(root.resolve("cache"));
        this.ipamDir = Files.createDirectories(root.resolve("ipam"));
        this.fakeBin = Files.createDirectories(root.resolve("bin"));
        this.subnetPrefix = freeSubnetPrefix();
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(REAL_PLUGINS.resolve("bridge"));
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /** 10.233.X.0/24 with X chosen so that no address or route of this machine is in it. */
    private static String freeSubnetPrefix() throws IOException {
        String used = sh("ip -4 addr; ip -4 route").stdoutText();
        for (int i = 0; i < 50; i++) {
            String prefix = "10.233." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
            if (!used.contains(prefix)) {
                return prefix;
            }
        }
        throw new IllegalStateException("no free 10.233.x.0/24");
    }

    CniOptions options(Duration timeout) {
        return new CniOptions(confDir, List.of(fakeBin, REAL_PLUGINS), cacheDir, timeout, "eth0");
    }

    CniNetwork network() {
        return new CniNetwork(options(Duration.ofSeconds(20)));
    }

    String newContainerId() {
        String id = HexFormat.of().formatHex(randomBytes(16));
        containerIds.add(id);
        return id;
    }

    // ------------------------------------------------------------------ config

    ObjectNode bridgePlugin() {
        ObjectNode b = Json.objectNode();
        b.put("type", "bridge");
        b.put("bridge", bridge);
        b.put("isGateway", true);
        b.put("ipMasq", false);
        b.put("hairpinMode", true);
        ObjectNode ipam = b.putObject("ipam");
        ipam.put("type", "host-local");
        ipam.put("dataDir", ipamDir.toString());
        ipam.putArray("ranges").addArray().addObject().put("subnet", subnetPrefix + "0/24");
        ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
        return b;
    }

    static ObjectNode plugin(String type, String... capabilities) {
        ObjectNode p = Json.objectNode().put("type", type);
        if (capabilities.length > 0) {
            ObjectNode caps = p.putObject("capabilities");
            for (String c : capabilities) {
                caps.put(c, true);
            }
        }
        return p;
    }

    ObjectNode confList(String version, ObjectNode... plugins) {
        ObjectNode list = Json.objectNode();
        list.put("cniVersion", version);
        list.put("name", networkName);
        ArrayNode array = list.putArray("plugins");
        for (ObjectNode p : plugins) {
            array.add(p);
        }
        return list;
    }

    Path writeConf(String fileName, ObjectNode content) throws IOException {
        return Files.write(confDir.resolve(fileName), Json.prettyWriter().writeValueAsBytes(content));
    }

    /** Bridge + portmap + (optionally) bandwidth, the usual Kubernetes chain. */
    Path writeStandardConf(String version, boolean withBandwidth) throws IOException {
        List<ObjectNode> plugins = new ArrayList<>(List.of(bridgePlugin(), plugin("portmap", "portMappings")));
        if (withBandwidth) {
            plugins.add(plugin("bandwidth", "bandwidth"));
        }
        return writeConf("10-test.conflist", confList(version, plugins.toArray(ObjectNode[]::new)));
    }

    /** A shell-script plugin in the fake bin dir; {@code addBody} runs for ADD, other commands exit 0. */
    Path fakePlugin(String name, String addBody) throws IOException {
        return fakePlugin(name, addBody, "cat >/dev/null; exit 0");
    }

    /** As above, with {@code otherBody} for DEL, CHECK and STATUS. */
    Path fakePlugin(String name, String addBody, String otherBody) throws IOException {
        String script = """
                #!/bin/sh
                case "$CNI_COMMAND" in
                VERSION) echo '{"cniVersion":"1.0.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}' ;;
                ADD) %s ;;
                *) %s ;;
                esac
                """.formatted(addBody, otherBody);
        Path p = fakeBin.resolve(name);
        Files.writeString(p, script);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    // ------------------------------------------------------------------ namespaces, traffic

    Path newNetns() throws IOException {
        String name = "jcri-test-" + suffix + "-" + namespaces.size();
        sh("ip netns add " + name).requireSuccess();
        namespaces.add(name);
        return Path.of("/run/netns", name);
    }

    static String nsName(Path netns) {
        return netns.getFileName().toString();
    }

    ProcessResult inNs(Path netns, String command) throws IOException {
        return sh("ip netns exec " + nsName(netns) + " " + command);
    }

    /** A busybox TCP server in the namespace answering each connection with {@code reply}; waits until it listens. */
    void startServer(Path netns, int port, String reply) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", nsName(netns), "/bin/busybox", "nc", "-ll", "-p",
                String.valueOf(port), "-e", "/bin/busybox", "echo", reply)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        servers.add(p);
        poll(Duration.ofSeconds(10), "server listening on " + port, () -> {
            try {
                return inNs(netns, "/bin/busybox netstat -ltn").stdoutText().contains(":" + port + " ");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static ProcessResult sh(String command) throws IOException {
        return ChildProcess.command("/bin/sh", "-c", command).timeout(Duration.ofSeconds(30)).run();
    }

    static void poll(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20); // polling interval, not synchronisation: the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    // ------------------------------------------------------------------ leaks

    /** host-local's allocation files: one per IP, named by the IP (plus its own lock/last_reserved files). */
    List<Path> allocatedIps() throws IOException {
        Path dir = ipamDir.resolve(networkName);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(subnetPrefix)).toList();
        }
    }

    List<String> vethsOnBridge() throws IOException {
        ProcessResult r = sh("ip -o link show master " + bridge);
        if (!r.succeeded()) {
            return List.of(); // no bridge at all
        }
        return Arrays.stream(r.stdoutText().split("\n")).filter(l -> !l.isBlank()).toList();
    }

    List<String> iptablesLinesFor(String containerId) throws IOException {
        String all = sh("iptables-save; ip6tables-save").stdoutText();
        return Arrays.stream(all.split("\n")).filter(l -> l.contains(containerId)).toList();
    }

    void assertNothingLeaked() throws IOException {
        assertEquals(List.of(), allocatedIps(), "host-local allocations left");
        assertEquals(List.of(), vethsOnBridge(), "veths left on " + bridge);
        for (String id : containerIds) {
            assertEquals(List.of(), iptablesLinesFor(id), "iptables rules left for " + id);
        }
        assertTrue(sh("ip -o link show type ifb").stdoutText().lines().noneMatch(l -> l.contains("bwp")),
                "bandwidth ifb devices left");
    }

    @Override
    public void close() throws IOException {
        for (Process p : servers) {
            ChildProcess.killTree(p.toHandle());
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            sh("ip netns del " + ns);
        }
        sh("ip link del " + bridge);
        String left = sh("ip netns list").stdoutText();
        assertTrue(left.lines().noneMatch(l -> l.startsWith("jcri-test-" + suffix)), "test netns left: " + left);
        assertTrue(!sh("ip link show " + bridge).succeeded(), "bridge " + bridge + " left");
    }
}
