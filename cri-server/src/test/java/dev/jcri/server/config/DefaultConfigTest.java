package dev.jcri.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default configuration: it parses back to the defaults, and the README shows it as it is. */
class DefaultConfigTest {

    @Test
    void renderedDefaultsParseBackToTheDefaults() throws Exception {
        JcriConfig parsed = ConfigLoader.parse(DefaultConfigRenderer.render(), Path.of("default.toml"));
        assertEquals(JcriConfig.defaults().values(), parsed.values());
    }

    @Test
    void readmeShowsTheCurrentDefaults() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("user.dir")).resolve("../README.md"));
        int start = readme.indexOf("```toml\n") + "```toml\n".length();
        int end = readme.indexOf("```\n", start);
        assertEquals(DefaultConfigRenderer.render(), readme.substring(start, end),
                "README's config block is stale: paste `bin/jcri config default` into it");
    }

    @Test
    void valuesOverrideDefaultsAndTablesNest() throws Exception {
        JcriConfig c = ConfigLoader.parse("""
                log_level = "debug"
                [cni]
                bin_dirs = ["/opt/x"]
                [runtime]
                handlers = { runc = "/usr/sbin/runc", kata = "kata-runtime" }
                """, Path.of("t.toml"));
        assertEquals("debug", c.get(Settings.LOG_LEVEL));
        assertEquals(List.of("/opt/x"), c.get(Settings.CNI_BIN_DIRS));
        assertEquals(Map.of("runc", "/usr/sbin/runc", "kata", "kata-runtime"), c.get(Settings.RUNTIME_HANDLERS));
        assertEquals("/run/jcri/jcri.sock", c.get(Settings.SOCKET));
    }

    @Test
    void errorsNameTheKeyAndLine() {
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("\n[grpc]\nmax_mesage_bytes = 1\n", Path.of("t.toml")));
        assertTrue(unknown.getMessage().contains("'grpc.max_mesage_bytes'") && unknown.getMessage().contains("line 3"),
                unknown.getMessage());
        ConfigException range = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("[grpc]\nshutdown_grace_seconds = -1\n", Path.of("t.toml")));
        assertTrue(range.getMessage().contains("from 0 to 600"), range.getMessage());
        ConfigException path = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("root = \"relative\"\n", Path.of("t.toml")));
        assertTrue(path.getMessage().contains("absolute path"), path.getMessage());
    }

    @Test
    void listenAddressesParse() {
        assertEquals(new ListenAddress("127.0.0.1", 9464), ListenAddress.parse("127.0.0.1:9464"));
        assertEquals(new ListenAddress("::1", 1), ListenAddress.parse("[::1]:1"));
        assertEquals(new ListenAddress("0.0.0.0", 80), ListenAddress.parse(":80"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("::1:80"));
        assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("host"));
    }

    @Test
    void aDumpShowsThatCredentialsAreSetNeverWhatTheyAre() {
        String toml = "configs = { \"r.example\" = { username = \"u\", password = \"p\\\"w\", auth = \"dTpw\", "
                + "identity_token = \"t\" } }\n";
        String masked = DefaultConfigRenderer.maskSecrets(toml);
        assertEquals("configs = { \"r.example\" = { username = \"u\", password = \"***\", "
                + "auth = \"***\", identity_token = \"***\" } }\n", masked);
    }
}
