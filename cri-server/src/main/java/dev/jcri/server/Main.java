package dev.jcri.server;

import ch.qos.logback.classic.Level;
import dev.jcri.linux.NativeWarmUp;
import dev.jcri.server.config.ConfigException;
import dev.jcri.server.config.DefaultConfigRenderer;
import dev.jcri.server.config.JcriConfig;
import dev.jcri.server.config.Settings;
import dev.jcri.server.grpc.UnixSocketServer.SocketInUseException;
import dev.jcri.server.logging.JournalStream;
import dev.jcri.server.logging.LogLineLayout;
import dev.jcri.server.systemd.ServiceNotifier;
import dev.jcri.server.systemd.Watchdog;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code jcri}: runs the daemon in the foreground; {@code jcri config default} prints the defaults;
 * {@code jcri check} checks the node. */
@Command(name = "jcri", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Kubernetes CRI runtime. Serves runtime.v1 RuntimeService and ImageService on a UNIX socket.",
        subcommands = {Main.ConfigCommand.class, CheckCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit status for a configuration or usage error (picocli uses 2 for usage errors too). */
    static final int EXIT_CONFIG = 2;
    static final int EXIT_FAILED = 1;

    @Mixin
    ConfigOptions options;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        NativeWarmUp.inBackground(); // while the configuration is read and the logging set up
        JcriConfig config;
        try {
            config = options.effectiveConfig();
        } catch (ConfigException e) {
            System.err.println("jcri: " + e.getMessage());
            return EXIT_CONFIG;
        }
        setLogLevel(config.get(Settings.LOG_LEVEL));
        setLogFormat(config.get(Settings.LOG_FORMAT));

        DyingThreads.install();
        ServiceNotifier notifier = ServiceNotifier.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
        notifier.status("starting");
        CountDownLatch stop = new CountDownLatch(1);
        onSignal("TERM", stop::countDown);
        onSignal("INT", stop::countDown);
        // a reload asked while the daemon starts (its socket may already serve) is done once it runs
        AtomicBoolean reloadAsked = new AtomicBoolean();
        onSignal("HUP", () -> reloadAsked.set(true));
        Daemon daemon;
        try {
            daemon = Daemon.start(config, notifier::status);
        } catch (SocketInUseException | Daemon.StartupException e) {
            System.err.println("jcri: " + e.getMessage());
            notifier.status("failed to start: " + e.getMessage());
            return EXIT_FAILED;
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(Main.class).error("jcri failed to start", e);
            notifier.status("failed to start: " + e);
            return EXIT_FAILED;
        }
        // the socket is bound and listening: a client connecting now is served
        notifier.ready("ready");
        Watchdog watchdog = Watchdog.start(notifier, daemon::healthProblem, () -> stop.getCount() == 0);
        LoggerFactory.getLogger(Main.class).info("configuration: {}", config.describeSources());
        ConfigReload reload = new ConfigReload(options::effectiveConfig, daemon, config, notifier);
        onSignal("HUP", () -> Thread.ofVirtual().name("config-reload").start(reload::reload));
        if (reloadAsked.get()) {
            Thread.ofVirtual().name("config-reload").start(reload::reload);
        }
        while (stop.getCount() > 0) {
            try {
                stop.await();
            } catch (InterruptedException e) {
                // only a signal ends the daemon
            }
        }
        LoggerFactory.getLogger(Main.class).info("signal received: shutting down");
        notifier.stopping();
        watchdog.close();
        DyingThreads.stopping(true);
        daemon.close();
        return 0;
    }

    static void setLogLevel(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext context) {
            context.getLogger("dev.jcri").setLevel(Level.toLevel(level, Level.INFO));
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(
                    Level.toLevel(level, Level.INFO).isGreaterOrEqual(Level.INFO) ? Level.toLevel(level, Level.INFO) : Level.INFO);
        }
    }

    /** {@code log_format}: see {@link LogLineLayout}. */
    static void setLogFormat(String format) {
        LogLineLayout.use(LogLineLayout.resolve(format, JournalStream.isStderr(System.getenv())));
    }

    @Command(name = "config", description = "Configuration helpers.", subcommands = {ConfigCommand.Default.class, Dump.class})
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

    /** {@code jcri config dump}: the effective configuration (file, drop-ins, flags), as the daemon would run with it. */
    @Command(name = "dump", mixinStandardHelpOptions = true,
            description = "Print the effective configuration: the config file, its drop-ins (jcri.d/*.toml beside it) and the flags, merged.")
    static final class Dump implements Callable<Integer> {
        @picocli.CommandLine.Mixin
        ConfigOptions options;

        @Override
        public Integer call() {
            try {
                JcriConfig config = options.effectiveConfig();
                System.out.print(DefaultConfigRenderer.maskSecrets(DefaultConfigRenderer.render(config,
                        "# jcri effective configuration, from " + config.describeSources()
                        + " and the command line's flags; credentials shown as \"***\".\n")));
                return 0;
            } catch (ConfigException e) {
                System.err.println("jcri: " + e.getMessage());
                return EXIT_CONFIG;
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
