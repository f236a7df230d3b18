package dev.jcri.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSetupTest {

    @Test
    void everyLineGoesToStderrInTheDaemonsFormWithLibraryNoiseAtWarn() {
        LoggerContext context = new LoggerContext();
        LogSetup setup = new LogSetup();
        setup.setContext(context);

        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, setup.configure(context));

        ConsoleAppender<?> stderr = assertInstanceOf(ConsoleAppender.class,
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
        assertEquals("System.err", stderr.getTarget());
        assertTrue(stderr.isStarted());
        LayoutWrappingEncoder<?> encoder = assertInstanceOf(LayoutWrappingEncoder.class, stderr.getEncoder());
        assertInstanceOf(LogLineLayout.class, encoder.getLayout());
        assertEquals(Level.INFO, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.WARN, context.getLogger("io.netty").getLevel());
        assertEquals(Level.ERROR, context.getLogger("io.netty.bootstrap").getLevel());
        assertEquals(Level.WARN, context.getLogger("io.grpc").getLevel());
    }

    /**
     * The daemon's logging is configured by {@link LogSetup}, found by logback's ServiceLoader,
     * and no configuration file is read: a logback.xml on the class path would load logback's XML
     * configurator and the JDK's XML parser (~450 classes resident for the daemon's life).
     */
    @Test
    void theDaemonsLoggingIsSetUpInCodeWithoutReadingAnXmlFile() {
        assertNull(LogSetup.class.getResource("/logback.xml"), "logback.xml is back on the class path");
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        String statuses = String.join("\n", context.getStatusManager().getCopyOfStatusList().stream().map(Status::getMessage).toList());
        assertTrue(statuses.contains(LogSetup.class.getName()), statuses);
        assertInstanceOf(ConsoleAppender.class, context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"), statuses);
    }
}
