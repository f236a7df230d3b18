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
 */
public record Endpoint(String host, List<URI> candidates, boolean mirror, RegistryHostConfig config,
        RegistryCredentials credentials) {

    public Endpoint {
        candidates = List.copyOf(candidates);
    }

    @Override
    public String toString() {
        return (mirror ? "mirror " : "registry ") + host;
    }
}
