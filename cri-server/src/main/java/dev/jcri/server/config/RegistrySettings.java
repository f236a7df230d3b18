package dev.jcri.server.config;

import dev.jcri.image.registry.RegistryConfig;
import dev.jcri.image.registry.RegistryCredentials;
import dev.jcri.image.registry.RegistryHostConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the {@code [registry]} settings into image-service's {@link RegistryConfig}. */
public final class RegistrySettings {
    private RegistrySettings() {}

    /**
     * The registry settings of {@code config}: jcri's tables plus containerd's hosts.toml directory
     * ({@code registry.config_path}). A registry with mirrors in both, or a host whose TLS is set in
     * both, is refused (IllegalArgumentException naming it): which one wins would be a guess.
     */
    public static RegistryConfig toRegistryConfig(JcriConfig config) {
        Map<String, RegistryHostConfig> hosts = new LinkedHashMap<>();
        for (var e : config.get(Settings.REGISTRY_CONFIGS).entrySet()) {
            RegistryHostSettings s = e.getValue();
            RegistryCredentials credentials;
            try {
                credentials = RegistryCredentials.of(s.username(), s.password(), s.auth(), s.identityToken(), "");
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("registry.configs.\"" + e.getKey() + "\": " + ex.getMessage());
            }
            hosts.put(e.getKey(), new RegistryHostConfig(s.insecure(), s.caFile().isEmpty() ? null : Path.of(s.caFile()),
                    credentials));
        }
        Map<String, java.util.List<String>> mirrors = new LinkedHashMap<>(config.get(Settings.REGISTRY_MIRRORS));
        String configPath = config.get(Settings.REGISTRY_CONFIG_PATH);
        if (!configPath.isEmpty()) {
            HostsDirectory.Registries dir;
            try {
                dir = HostsDirectory.read(Path.of(configPath));
            } catch (ConfigException e) {
                throw new IllegalArgumentException("registry.config_path: " + e.getMessage(), e);
            }
            for (var e : dir.mirrors().entrySet()) {
                if (mirrors.putIfAbsent(e.getKey(), e.getValue()) != null) {
                    throw new IllegalArgumentException("registry " + e.getKey() + " has mirrors in both registry.mirrors and "
                            + configPath + "/" + e.getKey() + "/hosts.toml; keep one");
                }
            }
            for (var e : dir.hosts().entrySet()) {
                RegistryHostConfig mine = hosts.get(e.getKey());
                if (mine != null && (mine.insecure() || mine.caFile() != null)) {
                    throw new IllegalArgumentException("host " + e.getKey() + " has TLS settings in both registry.configs and "
                            + configPath + "; keep one");
                }
                RegistryHostConfig theirs = e.getValue();
                hosts.put(e.getKey(), new RegistryHostConfig(theirs.insecure(), theirs.caFile(),
                        mine == null ? RegistryCredentials.NONE : mine.credentials(), theirs.headers()));
            }
        }
        return new RegistryConfig(mirrors, hosts,
                Duration.ofSeconds(config.get(Settings.REGISTRY_STALL_TIMEOUT_SECONDS)),
                Math.toIntExact(config.get(Settings.REGISTRY_MAX_CONCURRENT_DOWNLOADS)),
                Math.toIntExact(config.get(Settings.REGISTRY_MAX_ATTEMPTS)),
                Duration.ofSeconds(config.get(Settings.REGISTRY_PROGRESS_INTERVAL_SECONDS)));
    }
}
