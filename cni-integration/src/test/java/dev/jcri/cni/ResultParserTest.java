package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultParserTest {
    private static CniResult parse(String json) throws Exception {
        return ResultParser.parse(Json.reader().readTree(json));
    }

    @Test
    void parsesA100ResultAsBridgePrintsIt() throws Exception {
        CniResult r = parse("""
                {"cniVersion":"1.0.0",
                 "interfaces":[{"name":"cni0","mac":"aa:bb:cc:dd:ee:01"},
                               {"name":"veth1234","mac":"aa:bb:cc:dd:ee:02"},
                               {"name":"eth0","mac":"aa:bb:cc:dd:ee:03","mtu":1500,"sandbox":"/run/netns/p1"}],
                 "ips":[{"address":"10.88.0.5/16","gateway":"10.88.0.1","interface":2}],
                 "routes":[{"dst":"0.0.0.0/0"},{"dst":"10.0.0.0/8","gw":"10.88.0.254"}],
                 "dns":{"nameservers":["10.96.0.10"],"domain":"cluster.local","search":["svc.cluster.local"],"options":["ndots:5"]}}
                """);
        assertEquals("1.0.0", r.cniVersion());
        assertEquals(3, r.interfaces().size());
        assertEquals(new CniResult.Interface("eth0", "aa:bb:cc:dd:ee:03", 1500, "/run/netns/p1"), r.interfaces().get(2));
        assertEquals("", r.interfaces().getFirst().sandbox(), "host-side interfaces have no sandbox");
        assertEquals(List.of(new CniResult.IpConfig("10.88.0.5/16", "10.88.0.1", 2)), r.ips());
        assertEquals("10.88.0.5", r.ips().getFirst().ip());
        assertTrue(r.ips().getFirst().isIpv4());
        assertEquals(List.of(new CniResult.Route("0.0.0.0/0", null), new CniResult.Route("10.0.0.0/8", "10.88.0.254")),
                r.routes());
        assertEquals(new CniResult.Dns(List.of("10.96.0.10"), "cluster.local", List.of("svc.cluster.local"),
                List.of("ndots:5")), r.dns());
    }

    @Test
    void parses040And031ResultsWithTheirVersionField() throws Exception {
        for (String v : List.of("0.4.0", "0.3.1", "0.3.0")) {
            CniResult r = parse("""
                    {"cniVersion":"%s","interfaces":[{"name":"eth0","sandbox":"/proc/1/ns/net"}],
                     "ips":[{"version":"4","address":"10.1.0.2/24","gateway":"10.1.0.1","interface":0},
                            {"version":"6","address":"fd00::2/64","interface":0}],
                     "dns":{}}
                    """.formatted(v));
            assertEquals(v, r.cniVersion());
            assertEquals(2, r.ips().size());
            assertEquals("fd00::2", r.ips().get(1).ip());
            assertNull(r.ips().get(1).gateway());
            assertTrue(r.routes().isEmpty());
        }
    }

    @Test
    void parsesLegacy020Results() throws Exception {
        CniResult r = parse("""
                {"cniVersion":"0.2.0","ip4":{"ip":"10.2.0.3/16","gateway":"10.2.0.1","routes":[{"dst":"0.0.0.0/0"}]},
                 "ip6":{"ip":"fd01::3/64"},"dns":{"nameservers":["1.1.1.1"]}}
                """);
        assertEquals(List.of(new CniResult.IpConfig("10.2.0.3/16", "10.2.0.1", null),
                new CniResult.IpConfig("fd01::3/64", null, null)), r.ips());
        assertEquals(List.of(new CniResult.Route("0.0.0.0/0", null)), r.routes());
        assertEquals(List.of("1.1.1.1"), r.dns().nameservers());
        assertTrue(r.interfaces().isEmpty());
    }

    @Test
    void minimalResultsAreFine() throws Exception {
        CniResult r = parse("{\"cniVersion\":\"1.0.0\"}");
        assertTrue(r.ips().isEmpty() && r.interfaces().isEmpty() && r.routes().isEmpty());
        assertTrue(r.dns().nameservers().isEmpty());
    }

    @Test
    void rejectsBrokenResults() {
        assertThrows(CniException.class, () -> parse("[]"));
        assertThrows(CniException.class, () -> parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"gateway\":\"10.0.0.1\"}]}"));
        CniException e = assertThrows(CniException.class, () -> parse(
                "{\"cniVersion\":\"1.0.0\",\"interfaces\":[],\"ips\":[{\"address\":\"10.0.0.2/24\",\"interface\":3}]}"));
        assertTrue(e.getMessage().contains("interface 3"), e.getMessage());
    }
}
