package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;
import static dev.jcri.sandbox.validate.Refusals.outOfRange;

import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/** Port mappings, and the pod CIDR of UpdateRuntimeConfig. */
class NetworkRulesTest {

    private static Api.PortMapping port(int container, int host) {
        return Api.PortMapping.newBuilder().setProtocol(Api.Protocol.TCP).setContainerPort(container).setHostPort(host).build();
    }

    @Test
    void kubeletsPortsAreAccepted() throws Exception {
        PortMappingRules.check(List.of(port(80, 0), port(53, 8053).toBuilder().setProtocol(Api.Protocol.UDP).setHostIp("127.0.0.1").build(),
                port(65535, 65535).toBuilder().setProtocol(Api.Protocol.SCTP).setHostIp("::1").build()));
    }

    @Test
    void portsOutOfRangeOrUnknownAreRefused() {
        outOfRange("config.port_mappings[0].host_port", () -> PortMappingRules.check(List.of(port(80, 65536))));
        outOfRange("config.port_mappings[0].host_port", () -> PortMappingRules.check(List.of(port(80, -1))));
        outOfRange("config.port_mappings[1].container_port", () -> PortMappingRules.check(List.of(port(80, 0), port(0, 0))));
        outOfRange("config.port_mappings[0].container_port", () -> PortMappingRules.check(List.of(port(70000, 1))));
        invalid("config.port_mappings[0].protocol", () -> PortMappingRules.check(List.of(port(80, 1).toBuilder().setProtocolValue(42).build())));
        invalid("config.port_mappings[0].host_ip", () -> PortMappingRules.check(List.of(port(80, 1).toBuilder().setHostIp("localhost").build())));
    }

    private static void cidr(String cidr) throws Exception {
        RuntimeConfigRules.check(Api.RuntimeConfig.newBuilder().setNetworkConfig(Api.NetworkConfig.newBuilder().setPodCidr(cidr)).build());
    }

    @Test
    void podCidrsAsKubeletJoinsThem() throws Exception {
        cidr("");
        cidr("10.244.1.0/24");
        cidr("10.244.1.0/24,fd00:10:244:1::/64");
        for (String bad : new String[] {"not-a-cidr", "10.0.0.0", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/24,", "host.local/8"}) {
            invalid("runtime_config.network_config.pod_cidr", () -> cidr(bad));
        }
    }
}
