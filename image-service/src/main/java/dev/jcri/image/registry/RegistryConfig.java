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
 * @param stallTimeout a download that receives nothing for this long is aborted; {@link Duration#ZERO}: never
 *                     (requests then wait {@link #DEFAULT_REQUEST_TIMEOUT} for answers, as without a stall timeout a
 *                     manifest or token request still must not hang a pull forever)
 * @param maxConcurrentDownloads layers downloaded at the same time, over all pulls
 * @param maxAttempts tries per request on transient errors (connection failures, 5xx, 429)
 * @param progressInterval how often a pull still running logs its progress; {@link Duration#ZERO}: never
 */
public record RegistryConfig(Map<String, List<String>> mirrors, Map<String, RegistryHostConfig> hosts,
        Duration stallTimeout, int maxConcurrentDownloads, int maxAttempts, Duration progressInterval) {

    /** How long a request waits for its answer (and a document to arrive whole) when downloads have no stall timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(1);

    public RegistryConfig {
        if (stallTimeout.isNegative() || progressInterval.isNegative()) {
            throw new IllegalArgumentException("stallTimeout and progressInterval must not be negative");
        }
        mirrors = Map.copyOf(mirrors);
        hosts = Map.copyOf(hosts);
        if (maxConcurrentDownloads < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("maxConcurrentDownloads and maxAttempts must be at least 1");
        }
    }

    /** Pulls log their progress this often unless configured otherwise. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(5);

    public RegistryConfig(Map<String, List<String>> mirrors, Map<String, RegistryHostConfig> hosts, Duration stallTimeout,
            int maxConcurrentDownloads, int maxAttempts) {
        this(mirrors, hosts, stallTimeout, maxConcurrentDownloads, maxAttempts, DEFAULT_PROGRESS_INTERVAL);
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(Map.of(), Map.of(), Duration.ofMinutes(1), 3, 4);
    }

    /** Bounds waiting for response headers, tokens and whole documents (manifests, configs): the stall timeout, or the default when that is off. */
    public Duration requestTimeout() {
        return stallTimeout.isZero() ? DEFAULT_REQUEST_TIMEOUT : stallTimeout;
    }

    public RegistryHostConfig host(String host) {
        return hosts.getOrDefault(host, RegistryHostConfig.DEFAULT);
    }
}
