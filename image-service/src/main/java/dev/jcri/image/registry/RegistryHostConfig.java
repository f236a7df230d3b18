package dev.jcri.image.registry;

import java.nio.file.Path;
import java.util.Map;

/**
 * Settings for one registry host (or mirror host) from the configuration file.
 *
 * @param insecure plain HTTP is allowed and TLS certificates are not verified
 * @param caFile PEM file with extra CA certificates trusted for this host (beside the system's), or null
 * @param credentials used when the request carries none for this host
 * @param headers     sent with every request to this host (from the per-host header table of a containerd hosts.toml), never
 *                    to another origin a redirect leads to
 */
public record RegistryHostConfig(boolean insecure, Path caFile, RegistryCredentials credentials, Map<String, String> headers) {

    public static final RegistryHostConfig DEFAULT = new RegistryHostConfig(false, null, RegistryCredentials.NONE);

    public RegistryHostConfig {
        credentials = credentials == null ? RegistryCredentials.NONE : credentials;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public RegistryHostConfig(boolean insecure, Path caFile, RegistryCredentials credentials) {
        this(insecure, caFile, credentials, Map.of());
    }
}
