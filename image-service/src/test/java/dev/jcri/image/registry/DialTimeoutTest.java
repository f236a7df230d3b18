package dev.jcri.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A host's dial timeout (hosts.toml {@code dial_timeout}) is the connect timeout of the client its
 * requests go through, over HTTPS and plain HTTP alike; hosts without one keep the default, and a
 * redirect to another origin is not the host's and gets the default too.
 */
class DialTimeoutTest {

    private static Endpoint endpoint(String host, Duration dial) {
        RegistryHostConfig config = new RegistryHostConfig(false, null, RegistryCredentials.NONE, Map.of(), List.of(), false, dial);
        return new Endpoint(host, List.of(URI.create("https://" + host)), true, config, RegistryCredentials.NONE);
    }

    @Test
    void eachHostConnectsWithinItsOwnDialTimeout() throws Exception {
        HttpTransport transport = new HttpTransport(Duration.ofSeconds(30));
        URI https = URI.create("https://fast.example.com/v2/");
        URI http = URI.create("http://fast.example.com/v2/");

        HttpClient fast = transport.clientFor(endpoint("fast.example.com", Duration.ofMillis(250)), https);
        assertEquals(Optional.of(Duration.ofMillis(250)), fast.connectTimeout());
        assertEquals(Optional.of(Duration.ofMillis(250)),
                transport.clientFor(endpoint("fast.example.com", Duration.ofMillis(250)), http).connectTimeout());
        assertSame(fast, transport.clientFor(endpoint("other.example.com", Duration.ofMillis(250)), https),
                "hosts with the same settings share a client and its connections");

        HttpClient usual = transport.clientFor(endpoint("slow.example.com", null), https);
        assertEquals(Optional.of(Duration.ofSeconds(30)), usual.connectTimeout());
        assertNotSame(fast, usual);
        assertEquals(Optional.of(Duration.ofSeconds(30)), transport.clientFor(null, https).connectTimeout(),
                "another origin a redirect leads to");
    }
}
