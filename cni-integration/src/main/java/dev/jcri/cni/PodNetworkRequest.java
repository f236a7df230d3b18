package dev.jcri.cni;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything CNI needs about one pod sandbox.
 *
 * @param containerId  the sandbox id: CNI_CONTAINERID and K8S_POD_INFRA_CONTAINER_ID
 * @param netns        the pinned network namespace (e.g. {@code <state>/netns/<podId>}); may be null
 *                     on teardown when the namespace is already gone (plugins then free what is
 *                     outside it: IPs, iptables rules)
 * @param annotations  the pod's annotations; {@code kubernetes.io/ingress-bandwidth} and
 *                     {@code kubernetes.io/egress-bandwidth} become the {@code bandwidth} capability
 * @param cgroupParent the pod cgroup, for plugins declaring {@code cgroupPath}; may be null
 */
public record PodNetworkRequest(String containerId, Path netns, String podNamespace, String podName, String podUid,
                                Map<String, String> annotations, List<PortMapping> portMappings, DnsSettings dns,
                                String cgroupParent) {
    public PodNetworkRequest {
        Objects.requireNonNull(containerId, "containerId");
        podNamespace = podNamespace == null ? "" : podNamespace;
        podName = podName == null ? "" : podName;
        podUid = podUid == null ? "" : podUid;
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
    }

    /** A request with just the pod's identity; add the rest with the {@code with*} methods. */
    public static PodNetworkRequest of(String containerId, Path netns, String podNamespace, String podName, String podUid) {
        return new PodNetworkRequest(containerId, netns, podNamespace, podName, podUid, null, null, null, null);
    }

    public PodNetworkRequest withPortMappings(List<PortMapping> mappings) {
        return new PodNetworkRequest(containerId, netns, podNamespace, podName, podUid, annotations, mappings, dns, cgroupParent);
    }

    public PodNetworkRequest withAnnotations(Map<String, String> values) {
        return new PodNetworkRequest(containerId, netns, podNamespace, podName, podUid, values, portMappings, dns, cgroupParent);
    }

    public PodNetworkRequest withDns(DnsSettings settings) {
        return new PodNetworkRequest(containerId, netns, podNamespace, podName, podUid, annotations, portMappings, settings, cgroupParent);
    }

    public PodNetworkRequest withCgroupParent(String cgroup) {
        return new PodNetworkRequest(containerId, netns, podNamespace, podName, podUid, annotations, portMappings, dns, cgroup);
    }
}
