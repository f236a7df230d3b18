package dev.jcri.server;

import ch.qos.logback.classic.Level;
import dev.jcri.server.config.ConfigException;
import dev.jcri.server.config.ConfigLoader;
import dev.jcri.server.config.DefaultConfigRenderer;
import dev.jcri.server.config.JcriConfig;
import dev.jcri.server.config.Setting;
import dev.jcri.server.config.Settings;
import dev.jcri.server.grpc.UnixSocketServer.SocketInUseException;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jcri}: runs the daemon in the foreground; {@code jcri config default} prints the defaults. */
@Command(name = "jcri", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kubernetes CRI runtime. Serves runtime.v1 RuntimeService and ImageService on a UNIX socket.",
        subcommands = {Main.ConfigCommand.class})
public final class Main implements Callable<Integer> {

    static final Path DEFAULT_CONFIG = Path.of("/etc/jcri/jcri.toml");

    /** Exit status for a configuration or usage error (picocli uses 2 for usage errors too). */
    static final int EXIT_CONFIG = 2;
    static final int EXIT_FAILED = 1;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file (default ${DEFAULT-VALUE}; a missing default file means built-in defaults).")
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

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        JcriConfig config;
        try {
            config = effectiveConfig();
        } catch (ConfigException e) {
            System.err.println("jcri: " + e.getMessage());
            return EXIT_CONFIG;
        }
        setLogLevel(config.get(Settings.LOG_LEVEL));

        DyingThreads.install();
        CountDownLatch stop = new CountDownLatch(1);
        onSignal("TERM", stop::countDown);
        onSignal("INT", stop::countDown);
        Daemon daemon;
        try {
            daemon = Daemon.start(config);
        } catch (SocketInUseException | Daemon.StartupException e) {
            System.err.println("jcri: " + e.getMessage());
            return EXIT_FAILED;
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(Main.class).error("jcri failed to start", e);
            return EXIT_FAILED;
        }
        while (stop.getCount() > 0) {
            try {
                stop.await();
            } catch (InterruptedException e) {
                // only a signal ends the daemon
            }
        }
        LoggerFactory.getLogger(Main.class).info("signal received: shutting down");
        DyingThreads.stopping(true);
        daemon.close();
        return 0;
    }

    /** The file's values, then the flags on top; each flag is validated like its config key. */
    private JcriConfig effectiveConfig() throws ConfigException {
        JcriConfig config = configFile == null
                ? ConfigLoader.load(DEFAULT_CONFIG, true)
                : ConfigLoader.load(configFile, false);
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

    private static void setLogLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger("dev.jcri").setLevel(Level.toLevel(level, Level.INFO));
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(
                    Level.toLevel(level, Level.INFO).isGreaterOrEqual(Level.INFO) ? Level.toLevel(level, Level.INFO) : Level.INFO);
        }
    }

    @Command(name = "config", description = "Configuration helpers.", subcommands = {ConfigCommand.Default.class})
    static final class ConfigCommand {
        @Command(name = "default", description = "Print the full default configuration as commented TOML.")
        static final class Default implements Callable<Integer> {
            @Override
            public Integer call() {
                System.out.print(DefaultConfigRenderer.render());
                return 0;
            }
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {BuildInfo.NAME + " " + BuildInfo.version() + " (CRI runtime.v1, Java " + Runtime.version() + ")"};
        }
    }

    /**
     * Handles a signal instead of letting it run the JVM's shutdown hooks: a stop must first drain
     * the calls in flight, then exit with a status, and hooks can do neither. sun.misc.Signal
     * (jdk.unsupported, exported for this use) is the JDK's only way. It is reached reflectively
     * because javac's proprietary-API warning has no switch under --release, and the build treats
     * warnings as errors; a JDK without it fails the start here, loudly.
     */
    private static void onSignal(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            MethodHandle run = MethodHandles.lookup()
                    .findVirtual(Runnable.class, "run", MethodType.methodType(void.class)).bindTo(action);
            Object handler = MethodHandleProxies.asInterfaceInstance(handlerType, MethodHandles.dropArguments(run, 0, signal));
            signal.getMethod("handle", signal, handlerType).invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIG" + name + ": this JDK lacks sun.misc.Signal", e);
        }
    }
}
