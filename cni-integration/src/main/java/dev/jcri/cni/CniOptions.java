package dev.jcri.cni;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the daemon configures for CNI.
 *
 * @param confDir       where network configurations are found (.conflist, .conf, .json)
 * @param binDirs       where plugin binaries are searched, in order (also passed as CNI_PATH)
 * @param cacheDir      where attachments (config, args, result) are cached for DEL/CHECK and orphan
 *                      cleanup; should be persistent like libcni's /var/lib/cni, because host-local
 *                      IPAM allocations survive a reboot and need a DEL to be released
 * @param pluginTimeout limit for one plugin execution; its whole process tree is killed after it
 * @param ifName        interface name inside the pod (CNI_IFNAME)
 */
public record CniOptions(Path confDir, List<Path> binDirs, Path cacheDir, Duration pluginTimeout, String ifName) {

    public static final Path DEFAULT_CONF_DIR = Path.of("/etc/cni/net.d");
    /** Upstream's default first, then Debian's containernetworking-plugins location. */
    public static final List<Path> DEFAULT_BIN_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    public static final Path DEFAULT_CACHE_DIR = Path.of("/var/lib/jcri/cni");
    /**
     * 60 s: long enough for IPAM plugins that talk to a remote datastore under load (Calico,
     * Cilium's agent), short enough that a hung plugin fails RunPodSandbox with a clear message
     * inside kubelet's default 2 min runtime-request-timeout, leaving time for the rollback DEL.
     */
    public static final Duration DEFAULT_PLUGIN_TIMEOUT = Duration.ofSeconds(60);
    public static final String DEFAULT_IF_NAME = "eth0";

    public CniOptions {
        Objects.requireNonNull(confDir, "confDir");
        Objects.requireNonNull(cacheDir, "cacheDir");
        binDirs = List.copyOf(binDirs);
        if (binDirs.isEmpty()) {
            throw new IllegalArgumentException("at least one CNI plugin directory is needed");
        }
        if (pluginTimeout == null) {
            pluginTimeout = DEFAULT_PLUGIN_TIMEOUT;
        }
        if (pluginTimeout.isNegative() || pluginTimeout.isZero()) {
            throw new IllegalArgumentException("CNI plugin timeout must be positive: " + pluginTimeout);
        }
        if (ifName == null || ifName.isEmpty()) {
            ifName = DEFAULT_IF_NAME;
        }
    }

    /** Built-in defaults. */
    public static CniOptions defaults() {
        return new CniOptions(DEFAULT_CONF_DIR, DEFAULT_BIN_DIRS, DEFAULT_CACHE_DIR, DEFAULT_PLUGIN_TIMEOUT, DEFAULT_IF_NAME);
    }

    /** The usual daemon wiring: defaults for what is not given. */
    public static CniOptions of(Path confDir, List<Path> binDirs, Path cacheDir, Duration pluginTimeout) {
        return new CniOptions(confDir, binDirs, cacheDir, pluginTimeout, DEFAULT_IF_NAME);
    }
}
