package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.util.List;
import runtime.v1.Api;

/**
 * {@code NamespaceOption.userns_options}, as containerd and CRI-O accept it: mode NODE (the node's
 * user namespace, no mappings) or POD (the pod's own, with exactly one uid and one gid mapping that
 * maps the container's root). CONTAINER and TARGET are not defined for user namespaces by
 * Kubernetes and are refused, as are mappings that would give a container the node's root or that
 * overflow the 32-bit id space. A pod in its own user namespace cannot use the node's network, PID
 * or IPC namespace: those belong to the node's user namespace, where the pod's root is nobody
 * (and jcri advertises {@code user_namespaces_host_network} false).
 */
public final class UserNamespaceRules {

    private static final String FIELD = "namespace_options.userns_options";
    private static final long ID_SPACE = 1L << 32;

    private UserNamespaceRules() {}

    /** A pod's options; {@code prefix} is the field path up to the security context ("config.linux.security_context."). */
    public static void checkPod(String prefix, Api.NamespaceOption ns) throws JcriException {
        if (!ns.hasUsernsOptions()) {
            return;
        }
        Api.UserNamespace userns = ns.getUsernsOptions();
        String field = prefix + FIELD;
        checkOptions(field, userns);
        if (userns.getMode() == Api.NamespaceMode.POD) {
            for (var host : List.of(java.util.Map.entry("network", ns.getNetwork()), java.util.Map.entry("pid", ns.getPid()),
                    java.util.Map.entry("ipc", ns.getIpc()))) {
                if (host.getValue() == Api.NamespaceMode.NODE) {
                    throw JcriException.invalidArgument(prefix + "namespace_options." + host.getKey(),
                            "mode NODE cannot be combined with a pod user namespace (userns_options mode POD)");
                }
            }
        }
    }

    /**
     * A container's options: absent (the pod's apply), or the same as its pod's. A container
     * cannot leave its pod's user namespace, nor get one in a pod that has none.
     */
    public static void checkContainer(String prefix, Api.NamespaceOption container, Api.NamespaceOption pod)
            throws JcriException {
        if (!container.hasUsernsOptions()) {
            return;
        }
        String field = prefix + FIELD;
        checkOptions(field, container.getUsernsOptions());
        Api.UserNamespace mine = container.getUsernsOptions();
        Api.UserNamespace podOptions = pod.hasUsernsOptions() ? pod.getUsernsOptions()
                : Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.NODE).build();
        if (!mine.equals(podOptions)) {
            throw JcriException.invalidArgument(field, "must be the pod sandbox's (mode " + podOptions.getMode()
                    + " with the same mappings): a container cannot have a user namespace of its own");
        }
    }

    private static void checkOptions(String field, Api.UserNamespace userns) throws JcriException {
        switch (userns.getMode()) {
            case NODE -> {
                if (userns.getUidsCount() > 0 || userns.getGidsCount() > 0) {
                    throw JcriException.invalidArgument(field, "mode NODE takes no uid or gid mappings");
                }
            }
            case POD -> {
                mapping(field + ".uids", userns.getUidsList());
                mapping(field + ".gids", userns.getGidsList());
            }
            case CONTAINER, TARGET -> throw JcriException.invalidArgument(field + ".mode",
                    "mode " + userns.getMode() + " is not supported for user namespaces (only POD and NODE)");
            default -> throw JcriException.invalidArgument(field + ".mode", "unknown namespace mode");
        }
    }

    private static void mapping(String field, List<Api.IDMapping> mappings) throws JcriException {
        if (mappings.size() != 1) {
            throw JcriException.invalidArgument(field, "mode POD needs exactly one mapping, got " + mappings.size());
        }
        Api.IDMapping m = mappings.getFirst();
        long container = Integer.toUnsignedLong(m.getContainerId());
        long host = Integer.toUnsignedLong(m.getHostId());
        long length = Integer.toUnsignedLong(m.getLength());
        if (length == 0) {
            throw JcriException.invalidArgument(field + "[0].length", "must be at least 1");
        }
        if (container != 0) {
            throw JcriException.invalidArgument(field + "[0].container_id",
                    "the container's root (id 0) must be mapped: the mapping starts at " + container);
        }
        if (host == 0) {
            throw JcriException.invalidArgument(field + "[0].host_id",
                    "must not be 0: the container's root would be the node's root");
        }
        if (host + length >= ID_SPACE || container + length >= ID_SPACE) {
            throw JcriException.invalidArgument(field + "[0].length",
                    "host_id " + host + " + length " + length + " overflows the 32-bit id space");
        }
    }
}
