package dev.jcri.server.systemd;

import dev.jcri.linux.UnixDatagramSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sd_notify(3) protocol, spoken to the service manager that started jcri (systemd with
 * {@code Type=notify}): one datagram of {@code KEY=VALUE} lines per state change, sent to the
 * socket named by {@code NOTIFY_SOCKET} (a path, or {@code @name} in the abstract namespace).
 *
 * <p>Without {@code NOTIFY_SOCKET} every method does nothing, so callers never ask. A failed send
 * never harms the daemon: the first is logged as a warning (the unit's {@code Type=notify} then
 * waits in vain, which the operator must hear about), later ones at debug.
 */
public final class ServiceNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceNotifier.class);

    private final String socket;
    private final Duration watchdog;
    private final AtomicBoolean warned = new AtomicBoolean();

    private ServiceNotifier(String socket, Duration watchdog) {
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /** A notifier that says nothing: jcri was not started by a service manager that listens. */
    public static ServiceNotifier none() {
        return new ServiceNotifier(null, null);
    }

    /**
     * From the variables systemd sets: {@code NOTIFY_SOCKET}, and {@code WATCHDOG_USEC} when the
     * unit has {@code WatchdogSec=} (honoured only if {@code WATCHDOG_PID} is unset or names this
     * process: a variable inherited from a parent's unit is not addressed to us).
     */
    public static ServiceNotifier fromEnvironment(Map<String, String> env, long pid) {
        String socket = env.get("NOTIFY_SOCKET");
        if (socket == null || socket.isEmpty() || !(socket.startsWith("/") || socket.startsWith("@"))) {
            return none();
        }
        Duration watchdog = null;
        String usec = env.get("WATCHDOG_USEC");
        String watchdogPid = env.get("WATCHDOG_PID");
        if (usec != null && (watchdogPid == null || watchdogPid.equals(Long.toString(pid)))) {
            try {
                long micros = Long.parseLong(usec.strip());
                watchdog = micros > 0 ? Duration.ofNanos(micros * 1000) : null;
            } catch (NumberFormatException | ArithmeticException e) {
                LOG.warn("WATCHDOG_USEC={} is not a number of microseconds: no watchdog", usec);
            }
        }
        return new ServiceNotifier(socket, watchdog);
    }

    public boolean active() {
        return socket != null;
    }

    /** The watchdog period systemd expects pings within ({@code WatchdogSec=}), when it set one. */
    public Optional<Duration> watchdogTimeout() {
        return Optional.ofNullable(watchdog);
    }

    /** Start-up is done: the CRI socket answers. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status + "\nMAINPID=" + ProcessHandle.current().pid());
    }

    /** A line {@code systemctl status} shows. */
    public void status(String status) {
        send("STATUS=" + status);
    }

    /**
     * A reload (SIGHUP) begins; {@link #ready} ends it. MONOTONIC_USEC tells systemd which reload
     * this is (required for {@code Type=notify-reload}); the JVM's nanoTime is CLOCK_MONOTONIC on Linux.
     */
    public void reloading() {
        send("RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=" + System.nanoTime() / 1000);
    }

    public void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    /** The daemon passed its health check: keep the watchdog from firing. */
    public void watchdog() {
        send("WATCHDOG=1");
    }

    private void send(String message) {
        if (socket == null) {
            return;
        }
        try {
            UnixDatagramSocket.send(socket, message.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                LOG.warn("cannot notify the service manager at NOTIFY_SOCKET={}: {} (further failures are logged at debug)",
                        socket, e.getMessage());
            } else {
                LOG.debug("cannot notify the service manager: {}", e.getMessage());
            }
        }
    }
}
