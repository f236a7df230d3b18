package dev.jcri.image.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings for one registry host (or mirror host) from the configuration file.
 *
 * @param insecure plain HTTP is allowed and TLS certificates are not verified
 * @param caFile PEM file with extra CA certificates trusted for this host (beside the system's), or null
 * @param credentials used when the request carries none for this host
 * @param headers     sent with every request to this host (from the per-host header table of a containerd hosts.toml), never
 *                    to another origin a redirect leads to
 * @param clientCertificates presented when the host asks for a client certificate (mutual TLS); empty: none
 * @param overridePath the path of an endpoint URL on this host is the API root as it is, instead of
 *                     {@code <path>/v2} (containerd's {@code override_path}, for registries not served at /v2)
 * @param dialTimeout how long a connection to this host may take to open (containerd's {@code dial_timeout});
 *                    null: the transport's default
 */
public record RegistryHostConfig(boolean insecure, Path caFile, RegistryCredentials credentials, Map<String, String> headers,
        List<ClientCertificate> clientCertificates, boolean overridePath, Duration dialTimeout) {

    public static final RegistryHostConfig DEFAULT = new RegistryHostConfig(false, null, RegistryCredentials.NONE);

    public RegistryHostConfig {
        credentials = credentials == null ? RegistryCredentials.NONE : credentials;
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        clientCertificates = clientCertificates == null ? List.of() : List.copyOf(clientCertificates);
    }

    public RegistryHostConfig(boolean insecure, Path caFile, RegistryCredentials credentials, Map<String, String> headers) {
        this(insecure, caFile, credentials, headers, List.of(), false, null);
    }

    public RegistryHostConfig(boolean insecure, Path caFile, RegistryCredentials credentials) {
        this(insecure, caFile, credentials, Map.of());
    }

    /** Whether anything about TLS (verification, CAs, client certificates) is set for this host. */
    public boolean hasTlsSettings() {
        return insecure || caFile != null || !clientCertificates.isEmpty();
    }

    /** The same settings with other credentials. */
    public RegistryHostConfig withCredentials(RegistryCredentials other) {
        return new RegistryHostConfig(insecure, caFile, other, headers, clientCertificates, overridePath, dialTimeout);
    }
}
