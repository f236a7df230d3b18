package dev.jcri.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A CNI network of the test's own: a bridge with a random name, host-local addresses from a
 * 10.234.X.0/24 no route of this machine uses, allocations kept under the test's directory, and
 * portmap for host ports. Traffic stays between test namespaces and the host's loopback.
 */
public final class TestNetwork implements AutoCloseable {

    private static final String DEFAULT_NAME = "jcri-test";

    private final String name;
    private final Path confDir;
    private final Path ipamDir;
    private final String bridge;
    private final String subnetPrefix;

    private TestNetwork(String name, Path confDir, Path ipamDir, String bridge, String subnetPrefix) {
        this.name = name;
        this.confDir = confDir;
        this.ipamDir = ipamDir;
        this.bridge = bridge;
        this.subnetPrefix = subnetPrefix;
    }

    /** Writes the network config under {@code dir}; {@code extraPlugins} (JSON objects) are chained after portmap. */
    public static TestNetwork create(Path dir, String... extraPlugins) throws IOException {
        return createNamed(dir, DEFAULT_NAME, extraPlugins);
    }

    /**
     * As {@link #create}, with the network named {@code name}: CNI writes the name into its
     * iptables comments and host-local's directory, so a test can find what is its own.
     */
    public static TestNetwork createNamed(Path dir, String name, String... extraPlugins) throws IOException {
        String bridge = "jcrie" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        String prefix = freeSubnetPrefix();
        Path confDir = Files.createDirectories(dir.resolve("net.d"));
        Path ipamDir = dir.resolve("ipam");
        StringBuilder plugins = new StringBuilder("""
                {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": false, "hairpinMode": true,
                 "ipam": {"type": "host-local", "dataDir": "%s", "ranges": [[{"subnet": "%s0/24"}]],
                          "routes": [{"dst": "0.0.0.0/0"}]}},
                {"type": "portmap", "capabilities": {"portMappings": true}}""".formatted(bridge, ipamDir, prefix));
        for (String extra : extraPlugins) {
            plugins.append(",\n").append(extra);
        }
        Files.writeString(confDir.resolve("10-jcri-test.conflist"), """
                {"cniVersion": "1.0.0", "name": "%s", "plugins": [
                %s
                ]}
                """.formatted(name, plugins));
        return new TestNetwork(name, confDir, ipamDir, bridge, prefix);
    }

    private static String freeSubnetPrefix() throws IOException {
        String routes = Files.readString(Path.of("/proc/net/route")) + Files.readString(Path.of("/proc/net/fib_trie"));
        for (int attempt = 0; attempt < 50; attempt++) {
            int x = ThreadLocalRandom.current().nextInt(1, 255);
            if (!routes.contains("10.234." + x + ".")) {
                return "10.234." + x + ".";
            }
        }
        throw new IllegalStateException("no free 10.234.X.0/24 subnet on this machine");
    }

    public Path confDir() {
        return confDir;
    }

    public String name() {
        return name;
    }

    public String bridge() {
        return bridge;
    }

    /** host-local's data directory: one sub-directory per network name, one file per address. */
    public Path ipamDir() {
        return ipamDir;
    }

    /** "10.234.X." — pod IPs start with it. */
    public String subnetPrefix() {
        return subnetPrefix;
    }

    /** Addresses host-local still holds (files named by IP in its data dir). */
    public long allocatedAddresses() throws IOException {
        Path net = ipamDir.resolve(name);
        if (!Files.isDirectory(net)) {
            return 0;
        }
        try (var files = Files.list(net)) {
            return files.filter(f -> f.getFileName().toString().startsWith(subnetPrefix)).count();
        }
    }

    /** The jcri config lines that use this network (TOML). */
    public String jcriConfig(String... binDirs) {
        StringBuilder dirs = new StringBuilder();
        for (String d : binDirs) {
            dirs.append('"').append(d).append("\", ");
        }
        return "[cni]\nconf_dir = \"" + confDir + "\"\nbin_dirs = [" + dirs + "\"/opt/cni/bin\", \"/usr/lib/cni\"]\n";
    }

    @Override
    public void close() throws IOException {
        try {
            new ProcessBuilder("ip", "link", "del", bridge).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller sees it; the bridge may stay
        }
    }
}
