package dev.jcri.cni;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The environment of a plugin execution. Like libcni, the daemon's own environment is inherited
 * (plugins such as portmap and bandwidth run iptables and tc found through PATH) with every
 * inherited CNI_* variable removed, so nothing from the daemon's launch leaks into a plugin call.
 */
final class PluginEnvironment {
    private PluginEnvironment() {}

    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /**
     * CNI_ARGS for a pod, in containerd's order. Values can't contain ';' or '=' (the format has
     * no escaping); Kubernetes names and uids never do, so such input is refused rather than mangled.
     */
    static String cniArgs(String podNamespace, String podName, String infraContainerId, String podUid) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("IgnoreUnknown", "1");
        args.put("K8S_POD_NAMESPACE", podNamespace);
        args.put("K8S_POD_NAME", podName);
        args.put("K8S_POD_INFRA_CONTAINER_ID", infraContainerId);
        args.put("K8S_POD_UID", podUid);
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : args.entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue();
            if (v.indexOf(';') >= 0 || v.indexOf('=') >= 0) {
                throw new IllegalArgumentException("CNI argument " + e.getKey() + " contains ';' or '=': " + v);
            }
            if (!b.isEmpty()) {
                b.append(';');
            }
            b.append(e.getKey()).append('=').append(v);
        }
        return b.toString();
    }

    /**
     * The full environment for one call.
     *
     * @param inherited the daemon's environment (System.getenv())
     * @param netns     "" when there is no namespace (VERSION, STATUS, DEL of a vanished pod)
     */
    static Map<String, String> build(Map<String, String> inherited, String command, String containerId, String netns,
                                     String ifName, String cniArgs, List<Path> binDirs) {
        Map<String, String> env = new LinkedHashMap<>();
        inherited.forEach((k, v) -> {
            if (!k.startsWith("CNI_")) {
                env.put(k, v);
            }
        });
        env.putIfAbsent("PATH", DEFAULT_PATH);
        env.put("CNI_COMMAND", command);
        env.put("CNI_PATH", binDirs.stream().map(Path::toString).collect(Collectors.joining(":")));
        if (containerId != null) {
            env.put("CNI_CONTAINERID", containerId);
        }
        if (netns != null) {
            env.put("CNI_NETNS", netns);
        }
        if (ifName != null) {
            env.put("CNI_IFNAME", ifName);
        }
        if (cniArgs != null) {
            env.put("CNI_ARGS", cniArgs);
        }
        return env;
    }
}
