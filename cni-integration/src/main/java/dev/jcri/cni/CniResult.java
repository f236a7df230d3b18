package dev.jcri.cni;

import java.util.List;

/**
 * A CNI result, normalised to the 1.0.0 shape whatever version the plugin printed (0.2.0's
 * ip4/ip6 become entries of {@code ips}, 0.3/0.4's per-IP "version" is dropped: the address says it).
 */
public record CniResult(String cniVersion, List<Interface> interfaces, List<IpConfig> ips, List<Route> routes, Dns dns) {
    public CniResult {
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
        dns = dns == null ? Dns.EMPTY : dns;
    }

    /** @param sandbox the netns path when the interface is inside the pod, "" for host-side ones */
    public record Interface(String name, String mac, Integer mtu, String sandbox) {}

    /**
     * @param address   CIDR notation, e.g. "10.88.0.5/16"
     * @param gateway   may be null
     * @param interfaceIndex index into {@link CniResult#interfaces()}, null when the plugin gave none
     */
    public record IpConfig(String address, String gateway, Integer interfaceIndex) {
        /** The address without its prefix length. */
        public String ip() {
            int slash = address.indexOf('/');
            return slash < 0 ? address : address.substring(0, slash);
        }

        public boolean isIpv4() {
            return !ip().contains(":");
        }
    }

    /** @param gw may be null (a route via the interface) */
    public record Route(String dst, String gw) {}

    public record Dns(List<String> nameservers, String domain, List<String> search, List<String> options) {
        static final Dns EMPTY = new Dns(List.of(), null, List.of(), List.of());

        public Dns {
            nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
            search = search == null ? List.of() : List.copyOf(search);
            options = options == null ? List.of() : List.copyOf(options);
        }
    }
}
