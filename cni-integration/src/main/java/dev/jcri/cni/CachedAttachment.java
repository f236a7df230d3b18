package dev.jcri.cni;

import java.nio.file.Path;

/**
 * One network attachment remembered on disk (a CNI ADD was started for it and no successful DEL
 * has followed). After a daemon restart the sandbox manager lists these and tears down those whose
 * pod it no longer knows: {@code network.tearDown(attachment.toTeardownRequest())}.
 *
 * @param complete whether the ADD finished; false means it was interrupted (crash) or is running now
 */
public record CachedAttachment(String containerId, String networkName, String ifName, Path netns,
                               String podNamespace, String podName, String podUid, boolean complete) {

    /** A request sufficient for DEL: the cached config and arguments are used for the rest. */
    public PodNetworkRequest toTeardownRequest() {
        return PodNetworkRequest.of(containerId, netns, podNamespace, podName, podUid);
    }
}
