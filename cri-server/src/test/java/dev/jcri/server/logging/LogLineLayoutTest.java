package dev.jcri.server.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.jcri.errors.JcriException;
import dev.jcri.server.logging.LogLineLayout.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogLineLayoutTest {

    @TempDir
    Path dir;

    private static LoggingEvent event(Level level, String message, Throwable thrown) {
        LoggerContext context = new LoggerContext();
        return new LoggingEvent("x", context.getLogger("dev.jcri.sandbox.pod.PodCreator"), level, message, thrown, null);
    }

    @Test
    void journalLinesCarryTheSyslogPriorityOfTheirLevelAndNoTimestamp() {
        assertEquals("<3>[PodCreator] boom" + System.lineSeparator(), LogLineLayout.line(event(Level.ERROR, "boom", null), Format.JOURNAL));
        assertTrue(LogLineLayout.line(event(Level.WARN, "w", null), Format.JOURNAL).startsWith("<4>"));
        assertTrue(LogLineLayout.line(event(Level.INFO, "i", null), Format.JOURNAL).startsWith("<6>"));
        assertTrue(LogLineLayout.line(event(Level.DEBUG, "d", null), Format.JOURNAL).startsWith("<7>"));
        assertTrue(LogLineLayout.line(event(Level.TRACE, "t", null), Format.JOURNAL).startsWith("<7>"));
        String text = LogLineLayout.line(event(Level.INFO, "i", null), Format.TEXT);
        assertTrue(text.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ INFO  \\[PodCreator\\] i\\R"), text);
    }

    @Test
    void oneEventIsOneLineEvenWithLineBreaksInTheMessageOrAnInternalErrorsTrace() {
        String folded = LogLineLayout.line(event(Level.WARN, "first\nsecond\r\nthird", null), Format.JOURNAL);
        assertEquals("<4>[PodCreator] first | second | third" + System.lineSeparator(), folded);

        Exception internal = new IOException("disk gone", new IllegalStateException("inner\nline"));
        String line = LogLineLayout.line(event(Level.ERROR, "recovery failed", internal), Format.JOURNAL);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("<3>[PodCreator] recovery failed: java.io.IOException: disk gone | at "), line);
        assertTrue(line.contains("caused by java.lang.IllegalStateException: inner | line"), line);
        assertTrue(line.contains("LogLineLayoutTest"), "an internal error keeps its frames: " + line);
    }

    @Test
    void aCallersErrorIsItsMessageOnlyWithoutAStackInBothFormats() {
        JcriException invalid = JcriException.invalidArgument("config.metadata.name", "must not be empty");
        for (Format format : Format.values()) {
            String line = LogLineLayout.line(event(Level.INFO, "CreateContainer refused", invalid), format);
            assertEquals(1, line.lines().count(), line);
            assertTrue(line.strip().endsWith("CreateContainer refused: " + invalid.getMessage()), line);
            assertFalse(line.contains(" at "), line);
        }
        String terminal = LogLineLayout.line(event(Level.ERROR, "failed", new IOException("x")), Format.TEXT);
        assertTrue(terminal.lines().count() > 2, "on a terminal an internal error keeps its trace: " + terminal);
    }

    @Test
    void stderrIsTheJournalOnlyWhenItsDeviceAndInodeMatch() throws IOException {
        Path stream = Files.createFile(dir.resolve("stream"));
        Map<String, Object> attributes = Files.readAttributes(stream, "unix:dev,ino");
        String value = attributes.get("dev") + ":" + attributes.get("ino");
        assertTrue(JournalStream.matches(value, stream));
        assertFalse(JournalStream.matches(attributes.get("dev") + ":" + ((Long) attributes.get("ino") + 1), stream),
                "a JOURNAL_STREAM inherited from a parent names another stream");
        assertFalse(JournalStream.matches(null, stream));
        assertFalse(JournalStream.matches("garbage", stream));
        assertFalse(JournalStream.matches("1:x", stream));
        assertEquals(Format.JOURNAL, LogLineLayout.resolve("auto", true));
        assertEquals(Format.TEXT, LogLineLayout.resolve("auto", false));
        assertEquals(Format.JOURNAL, LogLineLayout.resolve("journal", false));
        assertEquals(Format.TEXT, LogLineLayout.resolve("text", true));
    }
}
