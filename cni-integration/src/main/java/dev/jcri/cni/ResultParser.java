package dev.jcri.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a plugin's stdout (any result version from 0.1.0 to 1.x) into a {@link CniResult}.
 * Tolerant where plugins differ (missing optional fields), strict where the pod's IP depends on it
 * (an ips entry without an address is an error).
 */
final class ResultParser {
    private ResultParser() {}

    static CniResult parse(JsonNode node) throws CniException {
        if (node == null || !node.isObject()) {
            throw new CniException("CNI result is not a JSON object");
        }
        String version = JsonFields.text(node, "cniVersion");
        if (version == null) {
            version = CniVersions.IMPLICIT;
        }
        // 0.1.0/0.2.0 results have ip4/ip6 objects instead of interfaces/ips (spec 0.2.0).
        if (!CniVersions.atLeast(version, "0.3.0") || node.has("ip4") || node.has("ip6")) {
            return parseLegacy(version, node);
        }
        List<CniResult.Interface> interfaces = new ArrayList<>();
        JsonNode ifs = node.get("interfaces");
        if (ifs != null && ifs.isArray()) {
            for (JsonNode i : ifs) {
                interfaces.add(new CniResult.Interface(JsonFields.text(i, "name"), JsonFields.text(i, "mac"),
                        i.hasNonNull("mtu") ? i.get("mtu").asInt() : null, nullToEmpty(JsonFields.text(i, "sandbox"))));
            }
        }
        List<CniResult.IpConfig> ips = new ArrayList<>();
        JsonNode ipArray = node.get("ips");
        if (ipArray != null && ipArray.isArray()) {
            for (JsonNode ip : ipArray) {
                String address = JsonFields.text(ip, "address");
                if (address == null || address.isEmpty()) {
                    throw new CniException("CNI result has an ips entry without an address: " + ip);
                }
                Integer index = ip.hasNonNull("interface") ? ip.get("interface").asInt() : null;
                if (index != null && (index < 0 || index >= interfaces.size())) {
                    throw new CniException("CNI result ips entry " + address + " names interface " + index
                            + " but the result has " + interfaces.size() + " interfaces");
                }
                ips.add(new CniResult.IpConfig(address, JsonFields.text(ip, "gateway"), index));
            }
        }
        return new CniResult(version, interfaces, ips, routes(node.get("routes")), dns(node.get("dns")));
    }

    private static CniResult parseLegacy(String version, JsonNode node) throws CniException {
        List<CniResult.IpConfig> ips = new ArrayList<>();
        List<CniResult.Route> routes = new ArrayList<>();
        for (String family : List.of("ip4", "ip6")) {
            JsonNode ip = node.get(family);
            if (ip == null || ip.isNull()) {
                continue;
            }
            String address = JsonFields.text(ip, "ip");
            if (address == null || address.isEmpty()) {
                throw new CniException("CNI " + version + " result has " + family + " without ip");
            }
            ips.add(new CniResult.IpConfig(address, JsonFields.text(ip, "gateway"), null));
            routes.addAll(routes(ip.get("routes")));
        }
        return new CniResult(version, List.of(), ips, routes, dns(node.get("dns")));
    }

    private static List<CniResult.Route> routes(JsonNode array) {
        List<CniResult.Route> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode r : array) {
                out.add(new CniResult.Route(JsonFields.text(r, "dst"), JsonFields.text(r, "gw")));
            }
        }
        return out;
    }

    private static CniResult.Dns dns(JsonNode d) {
        if (d == null || !d.isObject()) {
            return null;
        }
        return new CniResult.Dns(JsonFields.strings(d, "nameservers"), JsonFields.text(d, "domain"),
                JsonFields.strings(d, "search"), JsonFields.strings(d, "options"));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
