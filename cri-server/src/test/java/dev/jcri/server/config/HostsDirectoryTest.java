package dev.jcri.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.image.ref.ImageReference;
import dev.jcri.image.registry.ClientCertificate;
import dev.jcri.image.registry.EndpointResolver;
import dev.jcri.image.registry.RegistryConfig;
import dev.jcri.image.registry.RegistryCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** containerd's dial_timeout, per host and for the server entry: a Go duration, kept with the host's settings. */
    @Test
    void dialTimeoutIsAGoDurationPerHost() throws Exception {
        hostsToml("quay.io", """
                server = "https://quay.io"
                dial_timeout = "1m30s"
                [host."https://fast.example.com"]
                  capabilities = ["pull", "resolve"]
                  dial_timeout = "250ms"
                [host."https://plain.example.com"]
                  capabilities = ["pull", "resolve"]
                  dial_timeout = "1.5s"
                """);
        RegistryConfig c = RegistrySettings.toRegistryConfig(config("[registry]\nconfig_path = \"%s\"\n".formatted(dir)));
        assertEquals(java.time.Duration.ofSeconds(90), c.host("quay.io").dialTimeout());
        assertEquals(java.time.Duration.ofMillis(250), c.host("fast.example.com").dialTimeout());
        assertEquals(java.time.Duration.ofMillis(1500), c.host("plain.example.com").dialTimeout());
        assertEquals(null, c.host("other.example.com").dialTimeout(), "no setting: the transport's default");
    }

    @Test
    void whatJcriCannotHonourIsRefusedNamingFileAndKey() throws Exception {
        String[][] cases = {
                {"[host.\"https://m.example.com\"]\nclient = 42\n", "client must be a path, a list of paths or a list of [cert, key] pairs"},
                {"[host.\"https://m.example.com\"]\nclient = [[\"c.pem\"]]\n", "client must be a path, a list of paths"},
                {"[host.\"https://m.example.com\"]\nclient = \"client.pem\"\n", "client: " + dir.resolve("r.example.com/client.pem") + " does not exist"},
                {"[host.\"https://m.example.com\"]\noverride_path = \"yes\"\n", "override_path must be true or false"},
                {"[host.\"https://m.example.com/a/../v2\"]\n", "must be plain segments"},
                {"[host.\"https://m.example.com/a?b=c\"]\n", "without user, query or fragment"},
                {"[host.\"https://m.example.com\"]\ncapabilities = [\"pull\"]\n", "without \"resolve\""},
                {"[host.\"https://m.example.com\"]\nca = [\"/a.pem\", \"/b.pem\"]\n", "more than one ca file"},
                {"[host.\"https://m.example.com\"]\nskip_verfy = true\n", "unknown key 'skip_verfy'"},
                {"[host.\"https://m.example.com\".header]\nHost = \"evil\"\n", "header Host is set by jcri itself"},
                {"[host.\"https://m.example.com\".header]\nAuthorization = \"Basic x\"\n", "put credentials in registry.configs"},
                {"[host.\"https://m.example.com\".header]\n\"X-A\\r\\nX-B\" = \"v\"\n", "not a valid HTTP header name"},
                {"[host.\"https://m.example.com\".header]\nX-A = \"v\\r\\nX-Injected: 1\"\n", "cannot hold line breaks"},
                {"[host.\"ftp://m.example.com\"]\n", "must be http(s)://host[:port]"},
                {"[host.\"https://m.example.com\"]\ndial_timeout = \"3\"\n", "dial_timeout must be a duration"},
                {"[host.\"https://m.example.com\"]\ndial_timeout = 3\n", "dial_timeout must be a duration"},
                {"[host.\"https://m.example.com\"]\ndial_timeout = \"-1s\"\n", "dial_timeout must be a duration"},
                {"[host.\"https://m.example.com\"]\ndial_timeout = \"0s\"\n", "dial_timeout must be a duration"},
                {"[host.\"https://m.example.com\"]\ndial_timeout = \"1h\"\n", "at most 10m"},
                {"[host.\"https://m.example.com\"]\ndial_timeout = \"9999999999999h\"\n", "dial_timeout must be a duration"},
                {"[host.\"https://m.example.com\"]\ndial_timeout = \"3 s\"\n", "dial_timeout must be a duration"},
                {"dial_timeout = \"soon\"\nserver = \"https://r.example.com\"\n", "dial_timeout must be a duration"},
        };
        for (String[] c : cases) {
            hostsToml("r.example.com", c[0]);
            JcriConfig config = config("[registry]\nconfig_path = \"" + dir + "\"\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistrySettings.toRegistryConfig(config), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains(dir.resolve("r.example.com/hosts.toml").toString()),
                    c[0] + " -> " + e.getMessage());
        }
    }

    /** A self-signed certificate NAME.crt and its key NAME.key (mode 0600) in {@code in}, made by openssl. */
    private static void clientPair(Path in, String name) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", in.resolve(name + ".key").toString(), "-out", in.resolve(name + ".crt").toString(), "-days", "1",
                "-subj", "/CN=" + name).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        Files.setPosixFilePermissions(in.resolve(name + ".key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void clientCertificatesAndOverridePathGiveTheSameEndpointsAsJcrisTables() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("quay.io"));
        clientPair(certs, "node");
        hostsToml("quay.io", """
                [host."https://mtls.example.com"]
                  capabilities = ["pull", "resolve"]
                  client = [["node.crt", "node.key"]]

                [host."https://odd.example.com/v2/quay-proxy"]
                  capabilities = ["pull", "resolve"]
                  override_path = true

                [host."https://prefixed.example.com/cache"]
                  capabilities = ["pull", "resolve"]
                """);
        RegistryConfig fromHosts = RegistrySettings.toRegistryConfig(config("[registry]\nconfig_path = \"" + dir + "\"\n"));
        RegistryConfig fromTables = RegistrySettings.toRegistryConfig(config("""
                [registry.mirrors."quay.io"]
                endpoints = ["https://mtls.example.com", "https://odd.example.com/v2/quay-proxy", "https://prefixed.example.com/cache"]
                [registry.configs."mtls.example.com"]
                cert_file = "%s"
                key_file = "%s"
                [registry.configs."odd.example.com"]
                override_path = true
                """.formatted(certs.resolve("node.crt"), certs.resolve("node.key"))));
        assertEquals(fromTables.mirrors(), fromHosts.mirrors());
        var endpoints = new EndpointResolver(fromHosts).endpoints(ImageReference.parse("quay.io/x/y:3"), RegistryCredentials.NONE);
        assertEquals(new EndpointResolver(fromTables).endpoints(ImageReference.parse("quay.io/x/y:3"), RegistryCredentials.NONE),
                endpoints);
        assertEquals(List.of(new ClientCertificate(certs.resolve("node.crt"), certs.resolve("node.key"))),
                endpoints.get(0).config().clientCertificates());
        // where requests go: /v2 on the host, the path as it is with override_path, PATH/v2 for a prefix
        assertEquals(List.of("https://mtls.example.com/v2/x/y/manifests/3", "https://odd.example.com/v2/quay-proxy/x/y/manifests/3",
                "https://prefixed.example.com/cache/v2/x/y/manifests/3", "https://quay.io/v2/x/y/manifests/3"),
                endpoints.stream().map(e -> e.uri(e.candidates().getFirst(), "x/y/manifests/3").toString()).toList());
    }

    @Test
    void aClientKeyOthersCanReadOrThatIsNoKeyIsRefusedNamingFileAndKey() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("r.example.com"));
        clientPair(certs, "node");
        Files.setPosixFilePermissions(certs.resolve("node.key"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        hostsToml("r.example.com", "[host.\"https://m.example.com\"]\nclient = [[\"node.crt\", \"node.key\"]]\n");
        JcriConfig config = config("[registry]\nconfig_path = \"" + dir + "\"\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RegistrySettings.toRegistryConfig(config));
        assertTrue(e.getMessage().contains(dir.resolve("r.example.com/hosts.toml") + ": [host.\"https://m.example.com\"]: client: "
                + certs.resolve("node.key") + " holds a private key and is readable by every user"), e.getMessage());
        // containerd's single path: certificate and key in one file; a certificate alone is refused
        hostsToml("r.example.com", "[host.\"https://m.example.com\"]\nclient = \"node.crt\"\n");
        e = assertThrows(IllegalArgumentException.class, () -> RegistrySettings.toRegistryConfig(config));
        assertTrue(e.getMessage().contains("client: " + certs.resolve("node.crt") + " holds no PEM private key"), e.getMessage());
        // the same checks for jcri's table
        e = assertThrows(IllegalArgumentException.class, () -> RegistrySettings.toRegistryConfig(config("""
                [registry.configs."m.example.com"]
                cert_file = "%s"
                key_file = "%s"
                """.formatted(certs.resolve("node.crt"), certs.resolve("node.key")))));
        assertTrue(e.getMessage().contains("registry.configs.\"m.example.com\": cert_file/key_file: " + certs.resolve("node.key")
                + " holds a private key and is readable by every user"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RegistrySettings.toRegistryConfig(config("""
                [registry.configs."m.example.com"]
                key_file = "/k.pem"
                """)));
        assertTrue(e.getMessage().contains("key_file without cert_file"), e.getMessage());
    }

    @Test
    void jcrisMirrorEndpointsTakeAPathOfPlainSegmentsOnly() throws Exception {
        for (String bad : new String[] {"https://m.example.com/a/../v2", "https://m.example.com/./v2", "https://m.example.com/%2e%2e/v2",
                "https://m.example.com/a?x=1", "https://m.example.com/a#f", "https://user@m.example.com/a"}) {
            Exception e = assertThrows(Exception.class, () -> config("[registry.mirrors.\"quay.io\"]\nendpoints = [\"" + bad + "\"]\n"), bad);
            assertTrue(e.getMessage().contains("is not http(s)://host[:port][/path]"), bad + " -> " + e.getMessage());
        }
        RegistryConfig c = RegistrySettings.toRegistryConfig(config("[registry.mirrors.\"quay.io\"]\nendpoints = [\"m.example.com/cache/\"]\n"));
        var e = new EndpointResolver(c).endpoints(ImageReference.parse("quay.io/x/y:1"), RegistryCredentials.NONE).getFirst();
        assertEquals("https://m.example.com/cache/v2/x/y/blobs/b", e.uri(e.candidates().getFirst(), "x/y/blobs/b").toString());
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
