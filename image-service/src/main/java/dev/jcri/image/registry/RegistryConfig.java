package dev.jcri.image.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How jcri reaches registries. Mirrors follow the convention of containerd's CRI registry
 * configuration: for each registry host, a list of endpoints tried in order before the registry
 * itself; an endpoint is {@code http://host:port}, {@code https://host:port}, or a bare
 * {@code host:port} (HTTPS; plain HTTP too when the host is loopback or insecure).
 *
 * @param mirrors registry host ("docker.io", "registry.k8s.io", "127.0.0.1:5000") to mirror endpoints
 * @param hosts per-host settings (a registry or a mirror host, as "host" or "host:port")
 * @param stallTimeout a download that receives nothing for this long is aborted
 * @param maxConcurrentDownloads layers downloaded at the same time, over all pulls
 * @param maxAttempts tries per request on transient errors (connection failures, 5xx, 429)
 */
public record RegistryConfig(Map<String, List<String>> mirrors, Map<String, RegistryHostConfig> hosts,
        Duration stallTimeout, int maxConcurrentDownloads, int maxAttempts) {

    public RegistryConfig {
        mirrors = Map.copyOf(mirrors);
        hosts = Map.copyOf(hosts);
        if (maxConcurrentDownloads < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("maxConcurrentDownloads and maxAttempts must be at least 1");
        }
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(Map.of(), Map.of(), Duration.ofMinutes(1), 3, 4);
    }

    public RegistryHostConfig host(String host) {
        return hosts.getOrDefault(host, RegistryHostConfig.DEFAULT);
    }
}
