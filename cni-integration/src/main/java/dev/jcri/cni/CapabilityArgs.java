package dev.jcri.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;

/**
 * The runtime capabilities (CNI conventions: portMappings, bandwidth, dns, cgroupPath) built from a
 * pod request, and the per-plugin {@code runtimeConfig} that carries only what a plugin declares.
 */
final class CapabilityArgs {
    private CapabilityArgs() {}

    /** All capability arguments this pod has; keys absent when the pod has nothing for them. */
    static ObjectNode from(PodNetworkRequest request) {
        ObjectNode args = Json.objectNode();
        ArrayNode ports = Json.arrayNode();
        for (PortMapping p : request.portMappings()) {
            if (p.hostPort() <= 0) {
                continue; // containerd too: a mapping without hostPort only documents the container port
            }
            ObjectNode m = ports.addObject();
            m.put("hostPort", p.hostPort());
            m.put("containerPort", p.containerPort());
            m.put("protocol", p.protocol());
            m.put("hostIP", p.hostIp());
        }
        if (!ports.isEmpty()) {
            args.set("portMappings", ports);
        }
        BandwidthLimits bw = BandwidthLimits.fromAnnotations(request.annotations());
        if (bw != null) {
            ObjectNode b = args.putObject("bandwidth");
            b.put("ingressRate", bw.ingressRate());
            b.put("ingressBurst", bw.ingressBurst());
            b.put("egressRate", bw.egressRate());
            b.put("egressBurst", bw.egressBurst());
        }
        DnsSettings dns = request.dns();
        if (dns != null && !dns.isEmpty()) {
            ObjectNode d = args.putObject("dns");
            dns.servers().forEach(d.putArray("servers")::add);
            dns.searches().forEach(d.putArray("searches")::add);
            dns.options().forEach(d.putArray("options")::add);
        }
        if (request.cgroupParent() != null && !request.cgroupParent().isEmpty()) {
            args.put("cgroupPath", request.cgroupParent());
        }
        return args;
    }

    /**
     * The config one plugin reads on stdin (libcni's buildOneConfig): its own config plus the list's
     * name and cniVersion, runtimeConfig restricted to its declared capabilities (omitted when empty),
     * and the previous plugin's result when given.
     */
    static byte[] pluginStdin(NetworkConfigList list, NetworkConfigList.Plugin plugin, ObjectNode capabilityArgs,
                              JsonNode prevResult) {
        ObjectNode conf = plugin.conf().deepCopy();
        conf.put("name", list.name());
        conf.put("cniVersion", list.cniVersion());
        ObjectNode rc = Json.objectNode();
        for (String cap : plugin.capabilities()) {
            JsonNode v = capabilityArgs.get(cap);
            if (v != null) {
                rc.set(cap, v);
            }
        }
        if (!rc.isEmpty()) {
            conf.set("runtimeConfig", rc);
        } else {
            conf.remove("runtimeConfig");
        }
        if (prevResult != null) {
            conf.set("prevResult", prevResult);
        } else {
            conf.remove("prevResult");
        }
        try {
            return Json.writer().writeValueAsBytes(conf);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JSON tree", e);
        }
    }
}
