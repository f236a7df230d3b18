package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import java.util.Locale;
import java.util.Map;
import runtime.v1.Api;

/**
 * The signal StopContainer sends first: the request's stop_signal (the Pod's lifecycle.stopSignal),
 * else the image's STOPSIGNAL, else SIGTERM. Numbers are Linux's (x86/arm generic table).
 */
public final class StopSignals {
    public static final int SIGTERM = 15;
    private static final int SIGRTMIN = 34;
    private static final int SIGRTMAX = 64;

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4),
            Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7),
            Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10), Map.entry("SEGV", 11),
            Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14), Map.entry("TERM", 15),
            Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CLD", 17), Map.entry("CONT", 18),
            Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
            Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
            Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29),
            Map.entry("PWR", 30), Map.entry("SYS", 31));

    private StopSignals() {}

    static int resolve(Api.Signal requested, String imageStopSignal) throws JcriException {
        if (requested != Api.Signal.RUNTIME_DEFAULT && requested != Api.Signal.UNRECOGNIZED) {
            return fromEnum(requested);
        }
        if (requested == Api.Signal.UNRECOGNIZED) {
            throw JcriException.invalidArgument("stop_signal", "unknown signal");
        }
        if (imageStopSignal == null || imageStopSignal.isBlank()) {
            return SIGTERM;
        }
        try {
            return parse(imageStopSignal);
        } catch (IllegalArgumentException e) {
            throw JcriException.invalidArgument("image.config.StopSignal", e.getMessage());
        }
    }

    /** The CRI enum's name is the signal's ("SIGRTMINPLUS3", "SIGRTMAXMINUS1" for the RT ones). */
    static int fromEnum(Api.Signal s) {
        return parse(s.name().replace("PLUS", "+").replace("MINUS", "-"));
    }

    /**
     * The CRI enum of a signal number (ContainerStatus.stop_signal); RUNTIME_DEFAULT for a number
     * the enum cannot name (0: a record written before the signal was kept).
     */
    public static Api.Signal toEnum(int number) {
        for (Api.Signal s : Api.Signal.values()) {
            if (s != Api.Signal.UNRECOGNIZED && s != Api.Signal.RUNTIME_DEFAULT && fromEnum(s) == number) {
                return s;
            }
        }
        return Api.Signal.RUNTIME_DEFAULT;
    }

    /** "SIGQUIT", "QUIT", "quit", "3", "SIGRTMIN+3", "RTMAX-1" → the signal number. */
    public static int parse(String signal) {
        String s = signal.trim().toUpperCase(Locale.ROOT);
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            int n = Integer.parseInt(s);
            if (n < 1 || n > SIGRTMAX) {
                throw new IllegalArgumentException("signal number " + n + " out of range");
            }
            return n;
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        for (String base : new String[] {"RTMIN", "RTMAX"}) {
            if (s.startsWith(base)) {
                int start = base.equals("RTMIN") ? SIGRTMIN : SIGRTMAX;
                String rest = s.substring(base.length());
                int offset = rest.isEmpty() ? 0 : parseOffset(rest, signal);
                int n = start + offset;
                if (n < SIGRTMIN || n > SIGRTMAX) {
                    throw new IllegalArgumentException("signal " + signal + " out of range");
                }
                return n;
            }
        }
        Integer n = NUMBERS.get(s);
        if (n == null) {
            throw new IllegalArgumentException("unknown signal \"" + signal + "\"");
        }
        return n;
    }

    private static int parseOffset(String rest, String signal) {
        try {
            return Integer.parseInt(rest.startsWith("+") ? rest.substring(1) : rest);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown signal \"" + signal + "\"");
        }
    }
}
