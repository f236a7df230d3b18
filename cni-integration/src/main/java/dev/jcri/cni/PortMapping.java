package dev.jcri.cni;

import java.util.Locale;

/**
 * A hostPort mapping as the portmap plugin's {@code portMappings} capability wants it.
 *
 * @param protocol "tcp", "udp" or "sctp" (lower-cased here; CRI sends TCP/UDP/SCTP)
 * @param hostIp   host address to bind, "" for all
 */
public record PortMapping(int hostPort, int containerPort, String protocol, String hostIp) {
    public PortMapping {
        protocol = protocol == null || protocol.isEmpty() ? "tcp" : protocol.toLowerCase(Locale.ROOT);
        hostIp = hostIp == null ? "" : hostIp;
    }
}
