package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config parsing and the directory's choice and reload; no plugins run. */
class ConfigTest {
    @TempDir
    Path dir;

    private static NetworkConfigList parse(String name, String json) throws CniException {
        return ConfigParser.parseFile(Path.of(name), json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesAConflist() throws CniException {
        NetworkConfigList l = parse("10-k8s.conflist", """
                {"cniVersion":"1.0.0","name":"k8s-pod-network","disableCheck":true,"plugins":[
                  {"type":"bridge","bridge":"cni0"},
                  {"type":"portmap","capabilities":{"portMappings":true,"ips":false}}]}
                """);
        assertEquals("k8s-pod-network", l.name());
        assertEquals("1.0.0", l.cniVersion());
        assertTrue(l.disableCheck());
        assertEquals(2, l.plugins().size());
        assertEquals("bridge", l.plugins().get(0).type());
        assertEquals(Set.of("portMappings"), l.plugins().get(1).capabilities());
        assertEquals("cni0", l.plugins().get(0).conf().get("bridge").asText());
    }

    @Test
    void wrapsASinglePluginConf() throws CniException {
        NetworkConfigList l = parse("10-bridge.conf", "{\"cniVersion\":\"0.4.0\",\"name\":\"mynet\",\"type\":\"bridge\"}");
        assertEquals("mynet", l.name());
        assertEquals("0.4.0", l.cniVersion());
        assertEquals(1, l.plugins().size());
        assertEquals("bridge", l.plugins().getFirst().type());
        assertEquals("{\"cniVersion\":\"0.4.0\",\"name\":\"mynet\",\"plugins\":[{\"cniVersion\":\"0.4.0\",\"name\":\"mynet\","
                + "\"type\":\"bridge\"}]}", l.raw().toString());
    }

    @Test
    void aConfWithPluginsIsAList() throws CniException {
        NetworkConfigList l = parse("87-podman.conf", "{\"cniVersion\":\"0.4.0\",\"name\":\"p\",\"plugins\":[{\"type\":\"a\"},{\"type\":\"b\"}]}");
        assertEquals(2, l.plugins().size());
    }

    @Test
    void aMissingVersionIsTheImplicitOne() throws CniException {
        assertEquals("0.1.0", parse("a.json", "{\"name\":\"n\",\"type\":\"bridge\"}").cniVersion());
    }

    @Test
    void rejectsInvalidConfigs() {
        assertThrows(CniException.class, () -> parse("a.conflist", "not json"));
        assertThrows(CniException.class, () -> parse("a.conflist", "[1]"));
        assertThrows(CniException.class, () -> parse("a.conflist", "{\"name\":\"n\",\"plugins\":[]}"));
        assertThrows(CniException.class, () -> parse("a.conflist", "{\"name\":\"n\",\"plugins\":[{\"ipam\":{}}]}"));
        assertThrows(CniException.class, () -> parse("a.conflist", "{\"name\":\"../x\",\"plugins\":[{\"type\":\"b\"}]}"));
        assertThrows(CniException.class, () -> parse("a.conf", "{\"name\":\"n\",\"type\":\"../../bin/sh\"}"));
        assertThrows(CniException.class, () -> parse("a.conf", "{\"type\":\"bridge\"}"));
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(CniVersions.atLeast("0.4.0", "0.4.0"));
        assertTrue(CniVersions.atLeast("1.0.0", "0.4.0"));
        assertTrue(CniVersions.atLeast("0.10.0", "0.4.0"));
        assertFalse(CniVersions.atLeast("0.3.1", "0.4.0"));
        assertFalse(CniVersions.atLeast("1.0.0", "1.1.0"));
    }

    @Test
    void directoryPicksTheLexicallyFirstValidFileAndReloadsOnChange() throws Exception {
        ConfigDirectory cd = new ConfigDirectory(dir.resolve("net.d"));
        assertNull(cd.current().network());
        assertEquals("no network config found in " + dir.resolve("net.d"), cd.current().problem());

        Path d = Files.createDirectories(dir.resolve("net.d"));
        Files.writeString(d.resolve("20-b.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"b\",\"plugins\":[{\"type\":\"bridge\"}]}");
        Files.writeString(d.resolve("10-a.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"a\",\"type\":\"ptp\"}");
        Files.writeString(d.resolve("05-readme.md"), "{}");
        Files.writeString(d.resolve(".00-hidden.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"h\",\"type\":\"ptp\"}");
        assertEquals("a", cd.current().network().name());
        ConfigDirectory.Loaded first = cd.current();
        assertSame(first, cd.current(), "no change: no re-read");

        Files.writeString(d.resolve("00-broken.json"), "{");
        assertEquals("a", cd.current().network().name(), "an invalid file is skipped");

        Files.writeString(d.resolve("10-a.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"a2\",\"type\":\"ptp\"}");
        assertEquals("a2", cd.current().network().name(), "a rewritten file is reloaded");

        Files.delete(d.resolve("10-a.conf"));
        assertEquals("b", cd.current().network().name());
        Files.delete(d.resolve("20-b.conflist"));
        assertNull(cd.current().network());
        assertTrue(cd.current().problem().contains("invalid: "), cd.current().problem());
    }
}
