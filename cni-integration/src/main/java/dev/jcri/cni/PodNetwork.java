package dev.jcri.cni;

import java.util.List;

/**
 * The outcome of setting up a pod's network.
 *
 * @param primaryIp     the pod IP kubelet sees first (CRI PodSandboxNetworkStatus.ip), "" if none
 * @param additionalIps the others (dual stack), in CNI order
 * @param networkName   the CNI network the pod joined
 * @param result        the final result of the plugin chain
 */
public record PodNetwork(String primaryIp, List<String> additionalIps, String networkName, CniResult result) {
    public PodNetwork {
        additionalIps = List.copyOf(additionalIps);
    }
}
