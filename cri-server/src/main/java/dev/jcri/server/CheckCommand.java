package dev.jcri.server;

import dev.jcri.server.check.CheckResult;
import dev.jcri.server.check.NodeCheck;
import dev.jcri.server.config.ConfigException;
import dev.jcri.server.config.JcriConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code jcri check}: one line per check, OK/WARN/FAIL with what to do; exit 0 when nothing
 * failed (warnings included), 1 when something did, 2 for a configuration that cannot be read.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check this node and the configuration before starting jcri (exit 0: ready, 1: a check failed).")
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() {
        Main.setLogLevel("warn"); // the report is the output; the parts' info lines would interleave with it
        JcriConfig config;
        try {
            config = options.effectiveConfig();
        } catch (ConfigException e) {
            System.out.println(CheckResult.fail("config", e.getMessage(), "fix the file").line());
            return Main.EXIT_CONFIG;
        }
        System.out.println(CheckResult.ok("config", config.source() == null ? "built-in defaults (no "
                + ConfigOptions.DEFAULT_CONFIG + ")" : config.source().toString()).line());
        List<CheckResult> results = NodeCheck.run(config);
        results.forEach(r -> System.out.println(r.line()));
        CheckResult.Status worst = NodeCheck.worst(results);
        long fails = results.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
        long warns = results.stream().filter(r -> r.status() == CheckResult.Status.WARN).count();
        System.out.println(worst == CheckResult.Status.FAIL
                ? "node NOT ready for jcri: " + fails + " failed, " + warns + " warnings"
                : "node ready for jcri" + (warns > 0 ? " (" + warns + " warnings)" : ""));
        return worst == CheckResult.Status.FAIL ? Main.EXIT_FAILED : 0;
    }
}
