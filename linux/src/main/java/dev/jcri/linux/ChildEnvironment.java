package dev.jcri.linux;

import java.util.List;
import java.util.Map;

/**
 * What of jcri's own environment a child must not inherit: the variables by which a service
 * manager addresses the daemon's main process alone (sd_notify(3) unsets them for this reason).
 *
 * <p>The sharpest case: runc, seeing {@code NOTIFY_SOCKET}, bind-mounts a notification socket into
 * the container and makes {@code runc start} wait for the container to send READY=1; conmon reads it
 * too. A container started by a jcri running under {@code Type=notify} would hang at start. Every
 * place that starts a child process passes its environment through {@link #scrub}.
 */
public final class ChildEnvironment {

    /** systemd's notification socket and watchdog, and its socket activation. */
    public static final List<String> DAEMON_ONLY = List.of(
            "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES");

    private ChildEnvironment() {}

    /** Removes the daemon-only variables from a child's environment (a ProcessBuilder's, in place). */
    public static Map<String, String> scrub(Map<String, String> environment) {
        DAEMON_ONLY.forEach(environment::remove);
        return environment;
    }

    /** A ProcessBuilder for {@code argv} whose environment has been {@link #scrub}bed. */
    public static ProcessBuilder processBuilder(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        scrub(builder.environment());
        return builder;
    }
}
