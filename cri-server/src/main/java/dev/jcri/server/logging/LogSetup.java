package dev.jcri.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The daemon's logging, set up in code: every line to stderr (journald or the terminal keeps it)
 * in {@link LogLineLayout}'s form; the level is set at start from {@code log_level}.
 *
 * <p>Why not a {@code logback.xml}: reading one loads logback's whole XML configurator (Joran) and
 * the JDK's XML parser, about 450 classes, for five fixed lines; their metadata stays resident for
 * the daemon's life (a few MiB of RSS, and time at every start). logback finds this class through
 * {@code ServiceLoader} before it looks for any file. An operator's own file, named with
 * {@code -Dlogback.configurationFile}, still wins: then this one steps aside.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        // Netty and gRPC internals are noise at debug; SO_KEEPALIVE warnings on domain sockets are harmless.
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("io.netty.bootstrap").setLevel(Level.ERROR);
        context.getLogger("io.grpc").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
