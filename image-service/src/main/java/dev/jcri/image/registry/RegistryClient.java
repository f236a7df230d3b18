package dev.jcri.image.registry;

import dev.jcri.image.ref.ImageReference;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCI distribution client: opens a {@link RepositorySession} for a reference, through its
 * mirrors and registry. Probes, tokens and HTTP connections are shared by all sessions.
 */
public final class RegistryClient implements AutoCloseable {

    /** The configuration and its resolver, replaced together on a reload (a pull uses the pair it started with). */
    private record Current(RegistryConfig config, EndpointResolver resolver) {}

    private volatile Current current;
    private final HttpTransport http;
    private final V2Ping ping;
    private final Authenticator auth;

    public RegistryClient(RegistryConfig config) {
        this(config, Clock.systemUTC());
    }

    public RegistryClient(RegistryConfig config, Clock clock) {
        this.current = new Current(config, new EndpointResolver(config));
        Duration request = config.requestTimeout();
        Duration connect = request.compareTo(Duration.ofSeconds(30)) < 0 ? request : Duration.ofSeconds(30);
        this.http = new HttpTransport(connect);
        this.ping = new V2Ping(http, clock, request, config.maxAttempts());
        this.auth = new Authenticator(http, clock, request);
    }

    public RegistryConfig config() {
        return current.config();
    }

    /**
     * Mirrors and per-host settings from now on (a configuration reload); pulls already under way
     * keep the endpoints they opened. Connection and token timeouts, attempts and the download
     * limit stay those of the start.
     */
    public void reconfigure(RegistryConfig config) {
        this.current = new Current(config, new EndpointResolver(config));
    }

    /** @param credentials from the pull request (used for the registry itself, not for mirrors); may be NONE */
    public RepositorySession open(ImageReference ref, RegistryCredentials credentials) {
        Current now = current;
        RegistryConfig config = now.config();
        List<EndpointCaller> callers = new ArrayList<>();
        for (Endpoint e : now.resolver().endpoints(ref, credentials)) {
            callers.add(new EndpointCaller(http, ping, auth, e, ref.repository(), config.requestTimeout(), config.maxAttempts()));
        }
        return new RepositorySession(ref, callers, config.maxAttempts(), config.requestTimeout(), config.stallTimeout());
    }

    @Override
    public void close() {
        http.close();
    }
}
