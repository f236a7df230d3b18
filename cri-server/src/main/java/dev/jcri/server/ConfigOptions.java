package dev.jcri.server;

import dev.jcri.server.config.ConfigException;
import dev.jcri.server.config.ConfigLoader;
import dev.jcri.server.config.JcriConfig;
import dev.jcri.server.config.Setting;
import dev.jcri.server.config.Settings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The flags that choose the configuration, shared by the daemon and the commands that must see
 * the same effective configuration it would ({@code jcri check}, {@code jcri config dump}).
 */
final class ConfigOptions {

    static final Path DEFAULT_CONFIG = Path.of("/etc/jcri/jcri.toml");

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (default /etc/jcri/jcri.toml; a missing default file means built-in defaults).")
    Path configFile;

    @Option(names = "--socket", paramLabel = "PATH", description = "CRI socket (config key socket).")
    String socket;

    @Option(names = "--root", paramLabel = "DIR", description = "Persistent state directory (config key root).")
    String root;

    @Option(names = "--state", paramLabel = "DIR", description = "Volatile state directory (config key state).")
    String state;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info, debug or trace (config key log_level).")
    String logLevel;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", description = "Prometheus endpoint, \"\" for off (config key metrics.address).")
    String metricsAddress;

    /** The file's values, then the flags on top; each flag is validated like its config key. */
    JcriConfig effectiveConfig() throws ConfigException {
        JcriConfig config = configFile == null
                ? ConfigLoader.load(DEFAULT_CONFIG, true)
                : ConfigLoader.load(configFile, false);
        return applyFlags(config);
    }

    /** {@code config} with the flags given on the command line on top (a reload keeps them winning too). */
    JcriConfig applyFlags(JcriConfig config) throws ConfigException {
        config = override(config, Settings.SOCKET, socket, "--socket");
        config = override(config, Settings.ROOT, root, "--root");
        config = override(config, Settings.STATE, state, "--state");
        config = override(config, Settings.LOG_LEVEL, logLevel, "--log-level");
        config = override(config, Settings.METRICS_ADDRESS, metricsAddress, "--metrics-address");
        return config;
    }

    private static JcriConfig override(JcriConfig config, Setting<String> setting, String flagValue, String flag)
            throws ConfigException {
        if (flagValue == null) {
            return config;
        }
        try {
            String checked = setting.type().read(com.fasterxml.jackson.databind.node.TextNode.valueOf(flagValue));
            return config.with(setting, checked);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("invalid value for " + flag + ": " + e.getMessage() + ", got \"" + flagValue + "\"");
        }
    }
}
