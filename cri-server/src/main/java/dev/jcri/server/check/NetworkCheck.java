package dev.jcri.server.check;

import dev.jcri.cni.CniNetwork;
import dev.jcri.cni.CniOptions;
import dev.jcri.cni.NetworkStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * CNI: the same judgement the daemon's Status makes (a valid config, its plugins installed and
 * supporting its version, STATUS answered). No config at all is only a warning: on most clusters
 * a network add-on's DaemonSet writes it after kubelet starts; a config that is there and broken
 * is a failure.
 */
final class NetworkCheck {

    private NetworkCheck() {}

    static CheckResult cni(Path confDir, List<Path> binDirs, Path root, Duration timeout) {
        CniNetwork network = new CniNetwork(CniOptions.of(confDir, binDirs, root.resolve("cni"), timeout));
        NetworkStatus status = network.status();
        if (status.ready()) {
            return CheckResult.ok("cni", "network " + network.networkName().orElse("?") + " from " + confDir
                    + ", plugins in " + binDirs);
        }
        if (network.networkName().isEmpty()) {
            return CheckResult.warn("cni", status.message(),
                    "install a network add-on, or write a .conflist in " + confDir + " (pods wait for NetworkReady until then)");
        }
        return CheckResult.fail("cni", status.message(), "install the plugins (apt install containernetworking-plugins) or fix the config");
    }
}
