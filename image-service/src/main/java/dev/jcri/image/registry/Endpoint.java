package dev.jcri.image.registry;

import java.net.URI;
import java.util.List;

/**
 * One place to fetch a repository from: a mirror or the registry itself.
 *
 * @param host host[:port] the endpoint is configured under (for messages and per-host settings)
 * @param candidates base URIs to try in order until one answers the /v2/ probe (https, then http when allowed)
 * @param mirror whether this is a mirror (a mirror's 404 means "try the next endpoint")
 * @param config TLS and credential settings of this host
 * @param credentials the credentials to use for this endpoint
 * @param root the API root on the host: {@code /v2} for a registry, {@code <prefix>/v2} for one served
 *             under a path, or any path as configured with {@code override_path}; "" is the host's root;
 *             never ends in "/"
 */
public record Endpoint(String host, List<URI> candidates, boolean mirror, RegistryHostConfig config,
        RegistryCredentials credentials, String root) {

    /** The API root of the distribution spec. */
    public static final String DEFAULT_ROOT = "/v2";

    public Endpoint {
        candidates = List.copyOf(candidates);
        if (!root.isEmpty() && (!root.startsWith("/") || root.endsWith("/"))) {
            throw new IllegalArgumentException("root must be \"\" or start with / and not end with /: " + root);
        }
    }

    public Endpoint(String host, List<URI> candidates, boolean mirror, RegistryHostConfig config,
            RegistryCredentials credentials) {
        this(host, candidates, mirror, config, credentials, DEFAULT_ROOT);
    }

    /** {@code base} (one of the candidates) resolved to {@code <root>/<path>}. */
    public URI uri(URI base, String path) {
        return base.resolve(root + "/" + path);
    }

    @Override
    public String toString() {
        return (mirror ? "mirror " : "registry ") + host + (root.equals(DEFAULT_ROOT) ? "" : " (at " + (root.isEmpty() ? "/" : root) + ")");
    }
}
