package dev.jcri.cni;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks the pod IPs from a result the way containerd does: the addresses of the pod's interface
 * (CNI_IFNAME, inside the sandbox); the first IPv4 one is primary (kubelet treats the first IP as
 * the pod's primary family), the rest follow in CNI order as additional IPs.
 */
final class PodIps {
    private PodIps() {}

    /** Element 0 is the primary IP; the list is empty when the result has no address. */
    static List<String> select(CniResult result, String ifName) {
        List<CniResult.IpConfig> candidates = new ArrayList<>();
        for (CniResult.IpConfig ip : result.ips()) {
            Integer idx = ip.interfaceIndex();
            if (idx != null && idx < result.interfaces().size()) {
                CniResult.Interface itf = result.interfaces().get(idx);
                if (ifName.equals(itf.name()) && !itf.sandbox().isEmpty()) {
                    candidates.add(ip);
                }
            }
        }
        if (candidates.isEmpty()) {
            // Plugins that give no interface index (or results in 0.2 form): every address is the pod's.
            for (CniResult.IpConfig ip : result.ips()) {
                Integer idx = ip.interfaceIndex();
                if (idx == null || idx >= result.interfaces().size()
                        || !result.interfaces().get(idx).sandbox().isEmpty()) {
                    candidates.add(ip);
                }
            }
        }
        int primary = 0;
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).isIpv4()) {
                primary = i;
                break;
            }
        }
        List<String> out = new ArrayList<>();
        if (!candidates.isEmpty()) {
            out.add(candidates.get(primary).ip());
        }
        for (int i = 0; i < candidates.size(); i++) {
            if (i != primary) {
                out.add(candidates.get(i).ip());
            }
        }
        return out;
    }
}
