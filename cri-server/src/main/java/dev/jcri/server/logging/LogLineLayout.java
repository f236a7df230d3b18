package dev.jcri.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import dev.jcri.errors.Classified;
import dev.jcri.errors.JcriException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The daemon's log line, one per event, in one of two forms.
 *
 * <p>{@link Format#JOURNAL}, when stderr is the journal ({@link JournalStream}) or
 * {@code log_format = "journal"}: each line starts with its syslog priority ({@code <3>} error,
 * {@code <4>} warning, {@code <6>} info, {@code <7>} debug and trace), which journald strips and
 * records, so {@code journalctl -p warning} filters; no timestamp (journald has it). A message's
 * own line breaks are folded, so one event is one journal entry.
 *
 * <p>{@link Format#TEXT} for a terminal or a file: timestamp, level, logger, message.
 *
 * <p>In both, an exception that is the caller's fault (a {@link Classified} kind other than
 * INTERNAL: a bad argument, an unknown ID, a missing image) adds only its message: its stack says
 * nothing an operator can use. An internal error keeps its stack trace: folded onto the line
 * ({@code " | "} between frames, bounded) in the journal, as usual lines on a terminal.
 */
public final class LogLineLayout extends LayoutBase<ILoggingEvent> {

    /** How lines are written. */
    public enum Format { TEXT, JOURNAL }

    /** Frames kept per exception when a trace is folded onto one line (journald splits lines past 48 KiB). */
    static final int FOLDED_FRAMES = 40;
    private static final String FOLD = " | ";
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneId.systemDefault());

    private static volatile Format format = Format.TEXT;

    /** Switches every line from now on (at start from {@code log_format}, and at a reload). */
    public static void use(Format chosen) {
        format = chosen;
    }

    public static Format current() {
        return format;
    }

    /** The format {@code log_format} names: "journal", "text", or "auto" (journal when stderr is it). */
    public static Format resolve(String setting, boolean stderrIsJournal) {
        return switch (setting) {
            case "journal" -> Format.JOURNAL;
            case "text" -> Format.TEXT;
            default -> stderrIsJournal ? Format.JOURNAL : Format.TEXT;
        };
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        return line(event, format);
    }

    static String line(ILoggingEvent event, Format format) {
        StringBuilder line = new StringBuilder(128);
        boolean journal = format == Format.JOURNAL;
        if (journal) {
            line.append('<').append(priority(event.getLevel())).append('>');
        } else {
            line.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ')
                    .append(String.format(Locale.ROOT, "%-5s", event.getLevel())).append(' ');
        }
        String logger = event.getLoggerName();
        line.append('[').append(logger.substring(logger.lastIndexOf('.') + 1)).append("] ");
        String message = event.getFormattedMessage();
        line.append(journal ? fold(message) : message);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            if (isCallersFault(thrown)) {
                line.append(": ").append(summary(thrown));
            } else if (journal) {
                appendFolded(line, thrown);
            } else {
                line.append(System.lineSeparator()).append(ThrowableProxyUtil.asString(thrown).stripTrailing());
            }
        }
        return line.append(System.lineSeparator()).toString();
    }

    /** syslog priorities: 3 err, 4 warning, 6 info, 7 debug. */
    static int priority(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> 3;
            case Level.WARN_INT -> 4;
            case Level.INFO_INT -> 6;
            default -> 7;
        };
    }

    private static boolean isCallersFault(IThrowableProxy thrown) {
        return thrown instanceof ThrowableProxy proxy && proxy.getThrowable() instanceof Classified classified
                && classified.kind() != JcriException.Kind.INTERNAL;
    }

    private static String summary(IThrowableProxy thrown) {
        String message = thrown.getMessage();
        return fold(message == null ? thrown.getClassName() : message);
    }

    private static void appendFolded(StringBuilder line, IThrowableProxy thrown) {
        String prefix = ": ";
        int depth = 0;
        for (IThrowableProxy t = thrown; t != null && depth < 8; t = t.getCause(), depth++) {
            line.append(prefix).append(t.getClassName());
            if (t.getMessage() != null) {
                line.append(": ").append(fold(t.getMessage()));
            }
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            int shown = Math.min(frames.length - t.getCommonFrames(), FOLDED_FRAMES);
            for (int i = 0; i < shown; i++) {
                line.append(FOLD).append("at ").append(frames[i].getStackTraceElement());
            }
            int hidden = frames.length - shown;
            if (hidden > 0) {
                line.append(FOLD).append("... ").append(hidden).append(" more");
            }
            prefix = FOLD + "caused by ";
        }
    }

    /** A message's line breaks as visible separators: one event stays one line. */
    static String fold(String text) {
        if (text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return text.strip().replace("\r\n", "\n").replace('\r', '\n').replace("\n", FOLD);
    }
}
