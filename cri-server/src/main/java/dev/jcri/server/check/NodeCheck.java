package dev.jcri.server.check;

import dev.jcri.sandbox.spec.HostFeatures;
import dev.jcri.server.config.JcriConfig;
import dev.jcri.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code jcri check}: whether this node can run pods with this configuration, asked the way the
 * daemon itself will ask (same binary lookup, same features question, same CNI judgement), before
 * kubelet starts. Checks only look: the one thing written is an overlay probe in a scratch
 * directory beside the root, removed at once.
 */
public final class NodeCheck {

    private NodeCheck() {}

    public static List<CheckResult> run(JcriConfig config) {
        HostFeatures host = HostFeatures.detect();
        Path root = config.path(Settings.ROOT);
        Path socket = config.path(Settings.SOCKET);
        List<CheckResult> results = new ArrayList<>();
        results.add(HostChecks.privileges());
        results.add(HostChecks.kernel(host));
        results.add(HostChecks.overlay(root));
        results.add(HostChecks.cgroups(config.get(Settings.CGROUP_DRIVER)));
        results.addAll(RuntimeChecks.handlers(config.get(Settings.RUNTIME_HANDLERS),
                config.get(Settings.RUNTIME_DEFAULT_HANDLER), config.source()));
        results.add(RuntimeChecks.conmon(config.get(Settings.RUNTIME_CONMON), config.source()));
        results.add(NetworkCheck.cni(config.path(Settings.CNI_CONF_DIR),
                config.get(Settings.CNI_BIN_DIRS).stream().map(Path::of).toList(), root,
                Duration.ofSeconds(config.get(Settings.CNI_PLUGIN_TIMEOUT_SECONDS))));
        results.add(HostChecks.idmappedMounts(host));
        results.add(HostChecks.criu());
        results.add(StateChecks.directory("root", root, socket));
        results.add(StateChecks.directory("state", config.path(Settings.STATE), socket));
        results.add(StateChecks.socket(socket));
        return results;
    }

    /** The worst status among the results: the run's outcome. */
    public static CheckResult.Status worst(List<CheckResult> results) {
        return results.stream().map(CheckResult::status).max(Comparator.naturalOrder()).orElse(CheckResult.Status.OK);
    }
}
