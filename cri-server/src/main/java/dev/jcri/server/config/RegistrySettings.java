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
        return new RegistryConfig(config.get(Settings.REGISTRY_MIRRORS), hosts,
                Duration.ofSeconds(config.get(Settings.REGISTRY_STALL_TIMEOUT_SECONDS)),
                Math.toIntExact(config.get(Settings.REGISTRY_MAX_CONCURRENT_DOWNLOADS)),
                Math.toIntExact(config.get(Settings.REGISTRY_MAX_ATTEMPTS)));
    }
}
