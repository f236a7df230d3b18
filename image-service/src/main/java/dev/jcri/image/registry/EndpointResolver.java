package dev.jcri.image.registry;

import dev.jcri.image.ref.ImageReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Lists the endpoints a reference is fetched from: its registry's mirrors in order, then the registry. */
public final class EndpointResolver {

    /** Docker Hub's API host: docker.io itself serves no registry API. */
    static final String DOCKER_HUB_API = "registry-1.docker.io";

    private final RegistryConfig config;

    public EndpointResolver(RegistryConfig config) {
        this.config = config;
    }

    public List<Endpoint> endpoints(ImageReference ref, RegistryCredentials requestCredentials) {
        List<Endpoint> out = new ArrayList<>();
        for (String mirror : config.mirrors().getOrDefault(ref.registry(), List.of())) {
            out.add(endpoint(mirror, true, null));
        }
        String upstream = ref.registry().equals(ImageReference.DOCKER_HUB) ? DOCKER_HUB_API : ref.registry();
        out.add(endpoint(upstream, false, requestCredentials));
        return out;
    }

    /**
     * {@code spec} is "scheme://host[:port][/path]" or "host[:port][/path]". A path is where the
     * registry is served: its API root is {@code <path>/v2} (the path as it is when it already ends
     * in /v2), or the path itself when the host is configured with {@code overridePath}; as containerd
     * reads a hosts.toml URL.
     */
    Endpoint endpoint(String spec, boolean mirror, RegistryCredentials requestCredentials) {
        String scheme = null;
        String host = spec;
        int sep = spec.indexOf("://");
        if (sep > 0) {
            scheme = spec.substring(0, sep);
            host = spec.substring(sep + 3);
        }
        String path = "";
        int slash = host.indexOf('/');
        if (slash >= 0) {
            path = host.substring(slash);
            host = host.substring(0, slash);
        }
        RegistryHostConfig hostConfig = config.host(host);
        if (host.equals(DOCKER_HUB_API) && !config.hosts().containsKey(host)) {
            hostConfig = config.host(ImageReference.DOCKER_HUB);
        }
        List<URI> candidates = new ArrayList<>();
        if (scheme != null) {
            candidates.add(URI.create(scheme + "://" + host));
        } else {
            if (ImageReference.isLoopbackHost(host)) {
                // loopback registries are almost always plain HTTP (kind, tests); HTTPS is the fallback
                candidates.add(URI.create("http://" + host));
                candidates.add(URI.create("https://" + host));
            } else {
                candidates.add(URI.create("https://" + host));
                if (hostConfig.insecure()) {
                    candidates.add(URI.create("http://" + host));
                }
            }
        }
        RegistryCredentials credentials = requestCredentials != null && !requestCredentials.isEmpty()
                ? requestCredentials : hostConfig.credentials();
        return new Endpoint(host, candidates, mirror, hostConfig, credentials, root(path, hostConfig.overridePath()));
    }

    /** The API root of an endpoint URL's path: without repeated or trailing slashes, /v2 added unless overridden. */
    public static String root(String path, boolean overridePath) {
        String clean = String.join("/", java.util.Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toList());
        clean = clean.isEmpty() ? "" : "/" + clean;
        if (overridePath || clean.endsWith(Endpoint.DEFAULT_ROOT)) {
            return clean;
        }
        return clean + Endpoint.DEFAULT_ROOT;
    }
}
