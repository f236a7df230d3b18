package dev.jcri.sandbox.pod;

import dev.jcri.linux.UserNamespaces;
import java.util.List;
import java.util.Optional;
import runtime.v1.Api;

/**
 * A pod's user namespace as its RunPodSandbox config asks for it (mode POD, one uid and one gid
 * mapping, both covering the container's root: {@code validate.UserNamespaceRules} checked that
 * before the pod was made). Derived from the stored config, so it survives restarts with the record.
 *
 * @param uids the uid_map lines
 * @param gids the gid_map lines
 */
public record PodUserNamespace(List<UserNamespaces.Mapping> uids, List<UserNamespaces.Mapping> gids) {

    public PodUserNamespace {
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
    }

    /** The pod's user namespace, or empty when its containers run in the node's. */
    public static Optional<PodUserNamespace> of(Api.PodSandboxConfig config) {
        Api.NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
        if (!ns.hasUsernsOptions() || ns.getUsernsOptions().getMode() != Api.NamespaceMode.POD) {
            return Optional.empty();
        }
        return Optional.of(new PodUserNamespace(mappings(ns.getUsernsOptions().getUidsList()),
                mappings(ns.getUsernsOptions().getGidsList())));
    }

    private static List<UserNamespaces.Mapping> mappings(List<Api.IDMapping> ids) {
        return ids.stream().map(m -> new UserNamespaces.Mapping(Integer.toUnsignedLong(m.getContainerId()),
                Integer.toUnsignedLong(m.getHostId()), Integer.toUnsignedLong(m.getLength()))).toList();
    }

    /** The host uid the container's root runs as. */
    public long rootUid() {
        return hostIdOfRoot(uids);
    }

    /** The host gid of the container's root group. */
    public long rootGid() {
        return hostIdOfRoot(gids);
    }

    private static long hostIdOfRoot(List<UserNamespaces.Mapping> mappings) {
        for (UserNamespaces.Mapping m : mappings) {
            if (m.containerId() == 0) {
                return m.hostId();
            }
        }
        throw new IllegalStateException("the container's root is not mapped (validated at RunPodSandbox)");
    }
}
