package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.cgroup.CgroupManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import runtime.v1.Api;

/** RunPodSandbox's request, checked before anything of the pod is made. */
public final class PodConfigRules {

    private static final String NS = "config.linux.security_context.namespace_options.";
    /** A resolv.conf search domain or option: one word, far shorter than this. */
    private static final int MAX_DNS_ITEM = 1024;

    private final Set<String> runtimeHandlers;
    private final CgroupManager cgroups;
    private final NodeTopology node;
    private final SysctlRules sysctls;

    private PodConfigRules(Set<String> runtimeHandlers, CgroupManager cgroups, NodeTopology node, SysctlRules sysctls) {
        this.runtimeHandlers = Set.copyOf(runtimeHandlers);
        this.cgroups = cgroups;
        this.node = node;
        this.sysctls = sysctls;
    }

    /**
     * @param runtimeHandlers the configured handlers (an empty request handler means the default)
     * @param cgroups         the driver whose form cgroup_parent must have
     */
    public static void check(Api.PodSandboxConfig config, String runtimeHandler, Set<String> runtimeHandlers,
            CgroupManager cgroups) throws JcriException {
        new PodConfigRules(runtimeHandlers, cgroups, NodeTopology.current(), SysctlRules.node()).check(config, runtimeHandler);
    }

    /** The rules of a given node (tests). */
    static PodConfigRules of(Set<String> runtimeHandlers, CgroupManager cgroups, NodeTopology node, SysctlRules sysctls) {
        return new PodConfigRules(runtimeHandlers, cgroups, node, sysctls);
    }

    void check(Api.PodSandboxConfig config, String runtimeHandler) throws JcriException {
        if (!config.hasMetadata()) {
            throw JcriException.invalidArgument("config.metadata", "is required");
        }
        Api.PodSandboxMetadata md = config.getMetadata();
        NameRules.name("config.metadata.name", md.getName());
        NameRules.name("config.metadata.namespace", md.getNamespace());
        NameRules.name("config.metadata.uid", md.getUid());
        if (!runtimeHandler.isEmpty() && !runtimeHandlers.contains(runtimeHandler)) {
            throw JcriException.invalidArgument("runtime_handler", "'" + TextRules.shown(runtimeHandler)
                    + "' is not configured; known handlers: " + String.join(", ", runtimeHandlers.stream().sorted().toList()));
        }
        NameRules.hostname("config.hostname", config.getHostname());
        NameRules.labels("config.labels", config.getLabelsMap());
        NameRules.annotations("config.annotations", config.getAnnotationsMap());
        LogPathRules.directory("config.log_directory", config.getLogDirectory());
        dns(config.getDnsConfig());
        PortMappingRules.check(config.getPortMappingsList());
        Api.NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
        for (var mode : List.of(Map.entry("pid", ns.getPid()), Map.entry("network", ns.getNetwork()),
                Map.entry("ipc", ns.getIpc()))) {
            if (mode.getValue() == Api.NamespaceMode.TARGET) {
                throw JcriException.invalidArgument(NS + mode.getKey(), "mode TARGET is only valid for containers, not for a pod sandbox");
            }
            if (mode.getValue() == Api.NamespaceMode.UNRECOGNIZED) {
                throw JcriException.invalidArgument(NS + mode.getKey(), "unknown namespace mode");
            }
        }
        UserNamespaceRules.checkPod("config.linux.security_context.", ns);
        sysctls.check(config.getLinux().getSysctlsMap(), ns.getNetwork() != Api.NamespaceMode.NODE,
                ns.getIpc() != Api.NamespaceMode.NODE);
        cgroupParent(config.getLinux().getCgroupParent());
        ResourceRules.checkPod(config.getLinux(), node);
    }

    /** DNS values end up as lines of resolv.conf: servers are addresses, the rest single words. */
    private static void dns(Api.DNSConfig dns) throws JcriException {
        for (int i = 0; i < dns.getServersCount(); i++) {
            IpLiterals.address("config.dns_config.servers[" + i + "]", dns.getServers(i));
        }
        word("config.dns_config.searches", dns.getSearchesList());
        word("config.dns_config.options", dns.getOptionsList());
    }

    private static void word(String field, List<String> values) throws JcriException {
        for (int i = 0; i < values.size(); i++) {
            String entry = field + "[" + i + "]";
            String v = values.get(i);
            TextRules.maxBytes(entry, v, MAX_DNS_ITEM);
            if (v.isBlank() || v.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw JcriException.invalidArgument(entry, "\"" + TextRules.shown(v) + "\" is empty or not one word");
            }
        }
    }

    /** A cgroup path the kernel takes, in the driver's form. */
    private void cgroupParent(String parent) throws JcriException {
        String field = "config.linux.cgroup_parent";
        TextRules.path(field, parent);
        try {
            cgroups.podPath(parent);
        } catch (IllegalArgumentException e) {
            throw JcriException.invalidArgument(field, e.getMessage(), e);
        }
    }
}
