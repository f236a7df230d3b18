package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import runtime.v1.Api;

/**
 * UpdateRuntimeConfig: the pod CIDR kubelet sends once it knows the node's. A dual-stack node's
 * CIDRs come joined with commas (kubelet joins node.spec.podCIDRs), so each item is a CIDR.
 */
public final class RuntimeConfigRules {

    private RuntimeConfigRules() {}

    public static void check(Api.RuntimeConfig config) throws JcriException {
        String field = "runtime_config.network_config.pod_cidr";
        String cidrs = config.getNetworkConfig().getPodCidr();
        if (cidrs.isEmpty()) {
            return;
        }
        TextRules.maxBytes(field, cidrs, 1024);
        for (String cidr : cidrs.split(",", -1)) {
            IpLiterals.cidr(field, cidr.strip());
        }
    }
}
