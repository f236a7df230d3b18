package dev.jcri.server.systemd;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's watchdog ({@code WatchdogSec=}), fed only while the daemon is healthy: every half
 * period (as sd_watchdog_enabled(3) advises) the health check runs, and WATCHDOG=1 is sent only
 * if it passed. A bare timer would keep a daemon whose socket no longer serves "alive" forever;
 * this way systemd restarts it, and the new one recovers its state from disk (containers run on
 * under conmon, which {@code KillMode=process} leaves alone).
 *
 * <p>Runs on its own platform thread: a daemon whose virtual-thread scheduler is starved must not
 * be able to starve the check that is meant to notice.
 */
public final class Watchdog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    /** What is wrong with the daemon, or empty when it is healthy. */
    public interface HealthCheck {
        Optional<String> problem(Duration within);
    }

    private final ScheduledExecutorService timer;

    private Watchdog(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts feeding {@code notifier}'s watchdog if systemd set one; otherwise does nothing. */
    public static Watchdog start(ServiceNotifier notifier, HealthCheck health, Supplier<Boolean> stopping) {
        Optional<Duration> timeout = notifier.watchdogTimeout();
        if (timeout.isEmpty()) {
            return new Watchdog(null);
        }
        Duration period = timeout.get().dividedBy(2);
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("watchdog").daemon(true).factory());
        timer.setRemoveOnCancelPolicy(true);
        boolean[] failing = {false};
        Runnable tick = () -> {
            if (stopping.get()) {
                return;
            }
            Optional<String> problem;
            try {
                // the check must finish well inside the period, or the next ping would come too late anyway
                problem = health.problem(period.dividedBy(2));
            } catch (RuntimeException e) {
                problem = Optional.of(e.toString());
            }
            if (problem.isEmpty()) {
                notifier.watchdog();
                if (failing[0]) {
                    LOG.info("watchdog: healthy again");
                    notifier.status("ready");
                    failing[0] = false;
                }
            } else {
                LOG.warn("watchdog: health check failed, not pinging systemd (it restarts jcri after {} s): {}",
                        timeout.get().toSeconds(), problem.get());
                notifier.status("unhealthy: " + problem.get());
                failing[0] = true;
            }
        };
        var _ = timer.scheduleAtFixedRate(tick, 0, Math.max(1, period.toMillis()), TimeUnit.MILLISECONDS);
        LOG.info("watchdog: health checked and systemd pinged every {} ms", period.toMillis());
        return new Watchdog(timer);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
