package dev.jcri.sandbox.pod;

import dev.jcri.errors.JcriException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which sysctls a pod may set: only those the kernel namespaces (so one pod cannot change the
 * node), and only for namespaces the pod owns (net.* needs a pod network namespace, IPC ones a pod
 * IPC namespace). The same rules kubelet applies to "safe" and "unsafe" namespaced sysctls.
 */
public final class Sysctls {

    private static final List<String> IPC_NAMES = List.of("kernel.shmmax", "kernel.shmall", "kernel.shmmni",
            "kernel.shm_rmid_forced", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem");

    private Sysctls() {}

    /**
     * Validates and converts sysctl names to /proc/sys-relative paths. A name may use "." or "/"
     * as separator (Kubernetes allows both; with "/", dots are part of a component, e.g. a VLAN
     * interface "eth0.100").
     */
    public static Map<String, String> toProcPaths(Map<String, String> sysctls, boolean podNetwork, boolean podIpc)
            throws JcriException {
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : sysctls.entrySet()) {
            String name = e.getKey();
            String dotted = name.contains("/") ? name.replace('/', '.') : name;
            String path = name.contains("/") ? name : name.replace('.', '/');
            if (name.isEmpty() || path.contains("..") || path.startsWith("/") || !path.matches("[A-Za-z0-9_./-]+")) {
                throw JcriException.invalid("sysctl '" + name + "' is not a valid sysctl name");
            }
            String value = e.getValue();
            if (value.contains("\n") || value.contains("\r")) {
                throw JcriException.invalid("sysctl '" + name + "' value contains a line break");
            }
            if (dotted.startsWith("net.")) {
                if (!podNetwork) {
                    throw JcriException.invalid("sysctl '" + name + "' needs the pod's own network namespace, but the pod uses the host network");
                }
            } else if (IPC_NAMES.contains(dotted) || dotted.startsWith("fs.mqueue.")) {
                if (!podIpc) {
                    throw JcriException.invalid("sysctl '" + name + "' needs the pod's own IPC namespace, but the pod uses the host IPC namespace");
                }
            } else {
                throw JcriException.invalid("sysctl '" + name + "' is not namespaced: a pod may only set net.*, "
                        + "kernel.shm*/msg*/sem and fs.mqueue.* sysctls");
            }
            out.put(path, value);
        }
        return out;
    }
}
