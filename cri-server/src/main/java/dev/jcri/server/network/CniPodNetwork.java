package dev.jcri.server.network;

import dev.jcri.cni.CniNetwork;
import dev.jcri.cni.DnsSettings;
import dev.jcri.cni.NetworkStatus;
import dev.jcri.cni.PodNetworkRequest;
import dev.jcri.cni.PortMapping;
import dev.jcri.sandbox.pod.PodNetwork;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import runtime.v1.Api;

/** Pod networking by CNI: translates the sandbox manager's view to cni-integration's requests. */
public final class CniPodNetwork implements PodNetwork {

    /** Replaced whole on a reload of the CNI directories; results stay cached in the same directory for DEL. */
    private volatile CniNetwork cni;

    public CniPodNetwork(CniNetwork cni) {
        this.cni = cni;
    }

    /**
     * Uses other CNI directories from now on (a configuration reload). Setups and teardowns under
     * way finish with the network they started with; a pod's run, stop and removal are serialised
     * by its lock, so one pod never sees both at once.
     */
    public void replace(CniNetwork next) {
        this.cni = next;
    }

    @Override
    public Readiness readiness() {
        NetworkStatus status = cni.status();
        return status.ready() ? Readiness.READY : new Readiness(false, status.reason(), status.message());
    }

    @Override
    public List<String> attach(String podId, Path netns, Api.PodSandboxConfig config) throws IOException {
        dev.jcri.cni.PodNetwork network;
        try {
            network = cni.setUp(request(podId, netns, config));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        List<String> ips = new ArrayList<>();
        ips.add(network.primaryIp());
        ips.addAll(network.additionalIps());
        return ips;
    }

    @Override
    public void detach(String podId, Path netns, Api.PodSandboxConfig config) throws IOException {
        cni.tearDown(request(podId, netns, config));
    }

    @Override
    public Set<String> attachedPods() throws IOException {
        return cni.attachedContainerIds();
    }

    private static PodNetworkRequest request(String podId, Path netns, Api.PodSandboxConfig config) {
        Api.PodSandboxMetadata md = config.getMetadata();
        List<PortMapping> ports = new ArrayList<>();
        for (Api.PortMapping p : config.getPortMappingsList()) {
            if (p.getHostPort() > 0) { // kubelet sends container-only ports too; CNI maps host ports only
                ports.add(new PortMapping(p.getHostPort(), p.getContainerPort(),
                        p.getProtocol().name().toLowerCase(Locale.ROOT), p.getHostIp()));
            }
        }
        Api.DNSConfig dns = config.getDnsConfig();
        return PodNetworkRequest.of(podId, netns, md.getNamespace(), md.getName(), md.getUid())
                .withPortMappings(ports)
                .withAnnotations(config.getAnnotationsMap())
                .withDns(new DnsSettings(dns.getServersList(), dns.getSearchesList(), dns.getOptionsList()))
                .withCgroupParent(config.getLinux().getCgroupParent());
    }
}
