package dev.jcri.server.config;

import dev.jcri.image.registry.ClientCertificate;
import dev.jcri.image.registry.RegistryConfig;
import dev.jcri.image.registry.RegistryCredentials;
import dev.jcri.image.registry.RegistryHostConfig;
import dev.jcri.image.registry.TlsFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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
                    credentials, Map.of(), clientCertificates(e.getKey(), s), s.overridePath(), null));
        }
        Map<String, List<String>> mirrors = new LinkedHashMap<>(config.get(Settings.REGISTRY_MIRRORS));
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
                if (mine != null && (mine.hasTlsSettings() || mine.overridePath())) {
                    throw new IllegalArgumentException("host " + e.getKey() + " has TLS or override_path settings in both"
                            + " registry.configs and " + configPath + "; keep one");
                }
                hosts.put(e.getKey(), e.getValue().withCredentials(mine == null ? RegistryCredentials.NONE : mine.credentials()));
            }
        }
        return new RegistryConfig(mirrors, hosts,
                Duration.ofSeconds(config.get(Settings.REGISTRY_STALL_TIMEOUT_SECONDS)),
                Math.toIntExact(config.get(Settings.REGISTRY_MAX_CONCURRENT_DOWNLOADS)),
                Math.toIntExact(config.get(Settings.REGISTRY_MAX_ATTEMPTS)),
                Duration.ofSeconds(config.get(Settings.REGISTRY_PROGRESS_INTERVAL_SECONDS)));
    }

    /** The client certificate of a {@code registry.configs} table, its files checked now (as a hosts.toml's {@code client}). */
    private static List<ClientCertificate> clientCertificates(String host, RegistryHostSettings s) {
        String where = "registry.configs.\"" + host + "\"";
        if (s.certFile().isEmpty()) {
            if (!s.keyFile().isEmpty()) {
                throw new IllegalArgumentException(where + ": key_file without cert_file");
            }
            return List.of();
        }
        List<ClientCertificate> certs = List.of(new ClientCertificate(Path.of(s.certFile()),
                s.keyFile().isEmpty() ? null : Path.of(s.keyFile())));
        try {
            TlsFiles.check(certs);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cert_file/key_file: " + e.getMessage(), e);
        }
        return certs;
    }
}
