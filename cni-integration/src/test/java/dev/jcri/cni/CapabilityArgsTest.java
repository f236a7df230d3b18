package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapabilityArgsTest {
    private static final PodNetworkRequest POD = PodNetworkRequest.of("c1", Path.of("/run/netns/p"), "ns", "n", "u")
            .withPortMappings(List.of(new PortMapping(8080, 80, "TCP", "127.0.0.1"), new PortMapping(0, 9090, "TCP", ""),
                    new PortMapping(5353, 53, "SCTP", null)))
            .withAnnotations(Map.of(BandwidthLimits.INGRESS_ANNOTATION, "10M", "other", "x"))
            .withDns(new DnsSettings(List.of("10.96.0.10"), List.of("a.svc"), List.of("ndots:5")))
            .withCgroupParent("/kubepods/pod1");

    @Test
    void buildsEveryCapabilityThePodHas() {
        ObjectNode args = CapabilityArgs.from(POD);
        assertEquals("[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\",\"hostIP\":\"127.0.0.1\"},"
                + "{\"hostPort\":5353,\"containerPort\":53,\"protocol\":\"sctp\",\"hostIP\":\"\"}]",
                args.get("portMappings").toString(), "hostPort 0 is skipped, protocols lower-cased");
        assertEquals("{\"ingressRate\":10000000,\"ingressBurst\":4294967295,\"egressRate\":0,\"egressBurst\":0}",
                args.get("bandwidth").toString());
        assertEquals("{\"servers\":[\"10.96.0.10\"],\"searches\":[\"a.svc\"],\"options\":[\"ndots:5\"]}",
                args.get("dns").toString());
        assertEquals("/kubepods/pod1", args.get("cgroupPath").asText());
    }

    @Test
    void aPlainPodHasNoCapabilityArgs() {
        assertTrue(CapabilityArgs.from(PodNetworkRequest.of("c1", null, "ns", "n", "u")).isEmpty());
    }

    @Test
    void pluginStdinCarriesOnlyDeclaredCapabilitiesAndThePrevResult() throws Exception {
        NetworkConfigList list = ConfigParser.parseList((ObjectNode) Json.reader().readTree("""
                {"cniVersion":"0.4.0","name":"k8s","plugins":[
                  {"type":"bridge","name":"ignored","cniVersion":"9","runtimeConfig":{"stale":1}},
                  {"type":"portmap","capabilities":{"portMappings":true,"bandwidth":false},"snat":true}]}
                """), null);
        ObjectNode args = CapabilityArgs.from(POD);
        JsonNode prev = Json.reader().readTree("{\"cniVersion\":\"0.4.0\",\"ips\":[]}");

        JsonNode bridge = Json.reader().readTree(CapabilityArgs.pluginStdin(list, list.plugins().get(0), args, null));
        assertEquals("k8s", bridge.get("name").asText(), "the list's name wins");
        assertEquals("0.4.0", bridge.get("cniVersion").asText());
        assertFalse(bridge.has("runtimeConfig"), "no declared capability: no runtimeConfig");
        assertFalse(bridge.has("prevResult"));

        JsonNode portmap = Json.reader().readTree(CapabilityArgs.pluginStdin(list, list.plugins().get(1), args, prev));
        assertEquals(List.of("portMappings"), List.copyOf(iterable(portmap.get("runtimeConfig").fieldNames())));
        assertEquals(prev, portmap.get("prevResult"));
        assertTrue(portmap.get("snat").asBoolean(), "the plugin's own keys are kept");
        assertFalse(list.plugins().get(1).conf().has("prevResult"), "the loaded config is not modified");
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
