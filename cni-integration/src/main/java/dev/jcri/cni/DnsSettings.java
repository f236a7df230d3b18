package dev.jcri.cni;

import java.util.List;

/** The pod's DNS config, passed to plugins declaring the {@code dns} capability. */
public record DnsSettings(List<String> servers, List<String> searches, List<String> options) {
    public DnsSettings {
        servers = servers == null ? List.of() : List.copyOf(servers);
        searches = searches == null ? List.of() : List.copyOf(searches);
        options = options == null ? List.of() : List.copyOf(options);
    }

    boolean isEmpty() {
        return servers.isEmpty() && searches.isEmpty() && options.isEmpty();
    }
}
