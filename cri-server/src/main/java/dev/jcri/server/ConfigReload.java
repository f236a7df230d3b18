package dev.jcri.server;

import dev.jcri.server.config.ConfigException;
import dev.jcri.server.config.JcriConfig;
import dev.jcri.server.config.Setting;
import dev.jcri.server.config.Settings;
import dev.jcri.server.systemd.ServiceNotifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP: the configuration files (main file, drop-ins, then the command line's flags) are read
 * again; what can change at run time is applied, everything else that changed is logged as
 * needing a restart (and keeps its running value, so it is reported again at the next reload
 * until jcri restarts). A configuration that cannot be read changes nothing: the running one
 * stays, and the log says why.
 */
final class ConfigReload {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /** The keys a reload applies; the rest need a restart. */
    static final Set<Setting<?>> LIVE = Set.of(Settings.LOG_LEVEL, Settings.LOG_FORMAT, Settings.REGISTRY_MIRRORS, Settings.REGISTRY_CONFIGS,
            Settings.REGISTRY_CONFIG_PATH, Settings.CNI_CONF_DIR, Settings.CNI_BIN_DIRS);

    /** Reads the configuration as at start. */
    interface Source {
        JcriConfig load() throws ConfigException;
    }

    private final Source source;
    private final Daemon daemon;
    private final ServiceNotifier notifier;
    private JcriConfig running;

    ConfigReload(Source source, Daemon daemon, JcriConfig running, ServiceNotifier notifier) {
        this.source = source;
        this.daemon = daemon;
        this.running = running;
        this.notifier = notifier;
    }

    /** Reloads, telling the service manager (RELOADING=1, then READY=1 whatever the outcome: the daemon serves on). */
    synchronized void reload() {
        notifier.reloading();
        try {
            apply();
        } finally {
            notifier.ready("ready");
        }
    }

    private void apply() {
        JcriConfig next;
        try {
            next = source.load();
        } catch (ConfigException e) {
            LOG.error("reload: the new configuration is not used, the running one stays: {}", e.getMessage());
            return;
        }
        List<String> applied = new ArrayList<>();
        List<String> restart = new ArrayList<>();
        JcriConfig live = running;
        for (Setting<?> s : Settings.ALL) {
            if (Objects.equals(running.get(s), next.get(s))) {
                continue;
            }
            if (LIVE.contains(s)) {
                live = copy(live, next, s);
                applied.add(s.key());
            } else {
                restart.add(s.key());
            }
        }
        boolean registryApplied = false;
        try {
            // the hosts.toml files may have changed under an unchanged config_path: they are read again at every reload
            boolean hostsFiles = !live.get(Settings.REGISTRY_CONFIG_PATH).isEmpty();
            if (hostsFiles || changed(applied, Settings.REGISTRY_MIRRORS, Settings.REGISTRY_CONFIGS, Settings.REGISTRY_CONFIG_PATH)) {
                daemon.applyRegistry(live);
                registryApplied = true;
            }
            if (hostsFiles && !applied.contains(Settings.REGISTRY_CONFIG_PATH.key())) {
                applied.add(Settings.REGISTRY_CONFIG_PATH.key() + " (hosts.toml files read again)");
            }
            if (changed(applied, Settings.CNI_CONF_DIR, Settings.CNI_BIN_DIRS)) {
                daemon.applyCni(live);
            }
        } catch (RuntimeException e) {
            LOG.error("reload: the new configuration is not used, the running one stays: {}", e.getMessage());
            // Only a step that replaced its settings is undone: one that failed replaced nothing (settings are
            // built whole before they replace the running ones), and building the running registry settings
            // again would read the same bad hosts.toml files and fail once more, out of this handler.
            try {
                if (registryApplied) {
                    daemon.applyRegistry(running);
                }
                daemon.applyCni(running);
            } catch (RuntimeException again) {
                LOG.error("reload: undoing the applied part failed, the newly read settings stay: {}", again.getMessage());
            }
            return;
        }
        if (applied.contains(Settings.LOG_LEVEL.key())) {
            Main.setLogLevel(live.get(Settings.LOG_LEVEL));
        }
        if (applied.contains(Settings.LOG_FORMAT.key())) {
            Main.setLogFormat(live.get(Settings.LOG_FORMAT));
        }
        running = live;
        LOG.info("reload of {}: {}{}", next.describeSources(),
                applied.isEmpty() ? "nothing to apply" : "applied " + String.join(", ", applied),
                restart.isEmpty() ? "" : "; needs a restart to change: " + String.join(", ", restart));
    }

    private static boolean changed(List<String> applied, Setting<?>... settings) {
        for (Setting<?> s : settings) {
            if (applied.contains(s.key())) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static <T> JcriConfig copy(JcriConfig into, JcriConfig from, Setting<T> setting) {
        return into.with(setting, from.get(setting));
    }
}
