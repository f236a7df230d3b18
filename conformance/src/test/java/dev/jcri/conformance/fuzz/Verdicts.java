package dev.jcri.conformance.fuzz;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** What one case's run showed, judged against its expectation; and the run's counts. */
final class Verdicts {

    private Verdicts() {}

    /** Codes a runtime must never give for a caller's mistake. */
    static final Set<Status.Code> SERVER_FAULTS = Set.of(Status.Code.UNKNOWN, Status.Code.INTERNAL,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.DATA_LOSS, Status.Code.UNAVAILABLE, Status.Code.CANCELLED);

    enum Answered {
        /** The expected code, and the message names what it must. */
        RIGHT,
        /** An error code other than the expected one (or an error where OK was expected). */
        WRONG_CODE,
        /** OK to a request that must be refused. */
        ACCEPTED_BAD,
        /** The right code, but the message does not name the field or object. */
        FIELD_NOT_NAMED
    }

    /** The outcome of one case: how it was answered, and what it left (or removed) on the host. */
    record Verdict(FuzzCase.Expect expect, Status got, Answered answered, List<String> leaks,
                   List<String> knownLeaks) {
        boolean passed() {
            return answered == Answered.RIGHT && leaks.isEmpty();
        }

        String summary() {
            List<String> parts = new ArrayList<>();
            if (answered != Answered.RIGHT) {
                parts.add(answered.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": expected " + expect + ", got " + describe(got));
            }
            if (!leaks.isEmpty()) {
                parts.add("left on the host: " + String.join("; ", leaks.stream().limit(12).toList())
                        + (leaks.size() > 12 ? "; ... (" + leaks.size() + " in all)" : ""));
            }
            return parts.isEmpty() ? "ok (" + describe(got) + ")" : String.join(" | ", parts);
        }
    }

    static Answered judge(FuzzCase.Expect expect, Status got, String target) {
        if (!expect.codes().contains(got.getCode())) {
            return got.isOk() ? Answered.ACCEPTED_BAD : Answered.WRONG_CODE;
        }
        if (got.isOk() || expect.names() == null) {
            return Answered.RIGHT;
        }
        String description = got.getDescription() == null ? "" : got.getDescription();
        String wanted = FuzzCase.Expect.TARGET.equals(expect.names())
                ? target.substring(0, Math.min(13, target.length())) : expect.names();
        return description.contains(wanted) ? Answered.RIGHT : Answered.FIELD_NOT_NAMED;
    }

    /** "CODE: message", the message cut to a readable length (some echo megabytes of input). */
    static String describe(Status status) {
        String d = status.getDescription();
        if (d == null) {
            return status.getCode().name();
        }
        if (status.getCause() != null && d.equals("http2 exception")) {
            d += " (" + status.getCause().getMessage() + ": the client could not read the answer)";
        }
        d = d.replace("\n", "\\n").replace("\0", "\\0");
        return status.getCode() + ": " + (d.length() > 300 ? d.substring(0, 300) + "... (" + d.length() + " chars)" : d);
    }

    /** The run's counts, printed as the last line. */
    static final class Tally {
        int cases;
        int wrongCode;
        int acceptedBad;
        int fieldNotNamed;
        int leaks;
        int knownLeakLines;

        synchronized void add(Verdict v) {
            cases++;
            switch (v.answered()) {
                case WRONG_CODE -> wrongCode++;
                case ACCEPTED_BAD -> acceptedBad++;
                case FIELD_NOT_NAMED -> fieldNotNamed++;
                case RIGHT -> { }
            }
            if (!v.leaks().isEmpty()) {
                leaks++;
            }
            knownLeakLines += v.knownLeaks().size();
        }

        /** The summary line. */
        @Override
        public synchronized String toString() {
            return "fuzz: " + cases + " cases, " + wrongCode + " wrong code, " + acceptedBad + " accepted bad requests, "
                    + leaks + " leaks";
        }

        /** What the summary line leaves out. */
        synchronized String details() {
            return "fuzz: " + fieldNotNamed + " right codes whose message does not name the field; " + knownLeakLines
                    + " host changes matching a known leak";
        }
    }
}
