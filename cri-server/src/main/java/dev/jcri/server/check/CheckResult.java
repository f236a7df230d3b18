package dev.jcri.server.check;

/**
 * One line of {@code jcri check}: what was looked at, how it stands, and what to do about it.
 *
 * @param name   what was checked ("kernel", "handler runc", "socket")
 * @param status OK, WARN (jcri runs, something is missing or degraded) or FAIL (jcri cannot serve pods as configured)
 * @param detail what was found
 * @param advice what to do; empty for OK
 */
public record CheckResult(String name, Status status, String detail, String advice) {

    /** Ordered by severity: a run's outcome is its worst line. */
    public enum Status { OK, WARN, FAIL }

    public static CheckResult ok(String name, String detail) {
        return new CheckResult(name, Status.OK, detail, "");
    }

    public static CheckResult warn(String name, String detail, String advice) {
        return new CheckResult(name, Status.WARN, detail, advice);
    }

    public static CheckResult fail(String name, String detail, String advice) {
        return new CheckResult(name, Status.FAIL, detail, advice);
    }

    /** {@code FAIL  handler crun   /usr/bin/crun not found -> install crun ...}: one line for humans and grep. */
    public String line() {
        return String.format("%-5s %-18s %s%s", status, name, detail, advice.isEmpty() ? "" : " -> " + advice);
    }
}
