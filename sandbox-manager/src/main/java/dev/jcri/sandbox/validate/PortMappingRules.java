package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.util.List;
import runtime.v1.Api;

/**
 * A pod's port mappings, as kubelet sends a container's ports: container_port 1..65535 (Kubernetes
 * requires one), host_port 0 (none: kubelet sends every declared port, mapped or not) or
 * 1..65535, a protocol CRI knows, host_ip empty or an address literal.
 */
public final class PortMappingRules {

    private PortMappingRules() {}

    public static void check(List<Api.PortMapping> mappings) throws JcriException {
        for (int i = 0; i < mappings.size(); i++) {
            Api.PortMapping p = mappings.get(i);
            String field = "config.port_mappings[" + i + "].";
            if (p.getContainerPort() < 1 || p.getContainerPort() > 65535) {
                throw JcriException.outOfRange(field + "container_port", p.getContainerPort() + " is not a port (1..65535)");
            }
            if (p.getHostPort() < 0 || p.getHostPort() > 65535) {
                throw JcriException.outOfRange(field + "host_port", p.getHostPort() + " is not a port (1..65535, or 0 for none)");
            }
            if (p.getProtocol() == Api.Protocol.UNRECOGNIZED) {
                throw JcriException.invalidArgument(field + "protocol", "unknown protocol number " + p.getProtocolValue()
                        + " (TCP, UDP or SCTP)");
            }
            if (!p.getHostIp().isEmpty()) {
                IpLiterals.address(field + "host_ip", p.getHostIp());
            }
        }
    }
}
