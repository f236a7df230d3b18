package dev.jcri.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.image.ref.ImageReference;
import dev.jcri.image.registry.EndpointResolver;
import dev.jcri.image.registry.RegistryConfig;
import dev.jcri.image.registry.RegistryCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** containerd's hosts.toml directories read onto jcri's registry model. */
class HostsDirectoryTest {

    @TempDir
    Path dir;

    private void hostsToml(String registry, String text) throws Exception {
        Files.createDirectories(dir.resolve(registry));
        Files.writeString(dir.resolve(registry).resolve("hosts.toml"), text);
    }

    private static JcriConfig config(String toml) throws Exception {
        return ConfigLoader.parse(toml, Path.of("t.toml"));
    }

    @Test
    void hostsTomlGivesTheSameEndpointsAsJcrisTables() throws Exception {
        hostsToml("docker.io", """
                server = "https://registry-1.docker.io"

                [host."https://mirror.example.com"]
                  capabilities = ["pull", "resolve"]
                  ca = "mirror-ca.pem"

                [host."http://10.0.0.5:5000"]
                  capabilities = ["pull", "resolve"]
                  skip_verify = true

                [host."https://push-only.example.com"]
                  capabilities = ["push"]
                """);
        hostsToml("registry.example.com:5000", """
                [host."https://cache.internal:8443"]
                  capabilities = ["pull", "resolve"]
                """);
        RegistryConfig fromHosts = RegistrySettings.toRegistryConfig(config("[registry]\nconfig_path = \"" + dir + "\"\n"));
        RegistryConfig fromTables = RegistrySettings.toRegistryConfig(config("""
                [registry.mirrors."docker.io"]
                endpoints = ["https://mirror.example.com", "http://10.0.0.5:5000"]
                [registry.mirrors."registry.example.com:5000"]
                endpoints = ["https://cache.internal:8443"]
                [registry.configs."mirror.example.com"]
                ca_file = "%s"
                [registry.configs."10.0.0.5:5000"]
                insecure = true
                [registry.configs."cache.internal:8443"]
                insecure = false
                """.formatted(dir.resolve("docker.io/mirror-ca.pem"))));
        assertEquals(fromTables.mirrors(), fromHosts.mirrors());
        for (String ref : new String[] {"busybox:1", "registry.example.com:5000/app:2", "quay.io/x/y:3"}) {
            assertEquals(new EndpointResolver(fromTables).endpoints(ImageReference.parse(ref), RegistryCredentials.NONE),
                    new EndpointResolver(fromHosts).endpoints(ImageReference.parse(ref), RegistryCredentials.NONE), ref);
        }
    }

    @Test
    void headersAreKeptPerHostAndCredentialsStayInJcrisTable() throws Exception {
        hostsToml("ghcr.io", """
                [host."https://pull-through.example.com"]
                  capabilities = ["pull", "resolve"]
                  [host."https://pull-through.example.com".header]
                    X-Mirror-Token = "s3cret"
                    X-Trace = ["a", "b"]
                """);
        RegistryConfig c = RegistrySettings.toRegistryConfig(config("""
                [registry]
                config_path = "%s"
                [registry.configs."pull-through.example.com"]
                username = "puller"
                password = "pw"
                """.formatted(dir)));
        assertEquals(Map.of("X-Mirror-Token", "s3cret", "X-Trace", "a, b"), c.host("pull-through.example.com").headers());
        assertEquals("puller", c.host("pull-through.example.com").credentials().username());
    }

    @Test
    void whatJcriCannotHonourIsRefusedNamingFileAndKey() throws Exception {
        String[][] cases = {
                {"[host.\"https://m.example.com\"]\nclient = [[\"/c.pem\", \"/k.pem\"]]\n", "client certificates are not supported"},
                {"[host.\"https://m.example.com\"]\noverride_path = true\n", "override_path is not supported"},
                {"[host.\"https://m.example.com/prefix/v2\"]\n", "a path prefix"},
                {"[host.\"https://m.example.com\"]\ncapabilities = [\"pull\"]\n", "without \"resolve\""},
                {"[host.\"https://m.example.com\"]\nca = [\"/a.pem\", \"/b.pem\"]\n", "more than one ca file"},
                {"[host.\"https://m.example.com\"]\nskip_verfy = true\n", "unknown key 'skip_verfy'"},
                {"[host.\"https://m.example.com\".header]\nHost = \"evil\"\n", "header Host is set by jcri itself"},
                {"[host.\"https://m.example.com\".header]\nAuthorization = \"Basic x\"\n", "put credentials in registry.configs"},
                {"[host.\"https://m.example.com\".header]\n\"X-A\\r\\nX-B\" = \"v\"\n", "not a valid HTTP header name"},
                {"[host.\"https://m.example.com\".header]\nX-A = \"v\\r\\nX-Injected: 1\"\n", "cannot hold line breaks"},
                {"[host.\"ftp://m.example.com\"]\n", "must be http(s)://host[:port]"},
        };
        for (String[] c : cases) {
            hostsToml("r.example.com", c[0]);
            JcriConfig config = config("[registry]\nconfig_path = \"" + dir + "\"\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistrySettings.toRegistryConfig(config), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains(dir.resolve("r.example.com/hosts.toml").toString()),
                    c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void aRegistryWithMirrorsInBothPlacesIsRefused() throws Exception {
        hostsToml("docker.io", "[host.\"https://m.example.com\"]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistrySettings.toRegistryConfig(config("""
                [registry]
                config_path = "%s"
                [registry.mirrors."docker.io"]
                endpoints = ["https://other.example.com"]
                """.formatted(dir))));
        assertTrue(e.getMessage().contains("registry docker.io has mirrors in both"), e.getMessage());
    }
}
