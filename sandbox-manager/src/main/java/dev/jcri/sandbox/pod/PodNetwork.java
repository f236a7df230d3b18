package dev.jcri.sandbox.pod;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import runtime.v1.Api;

/**
 * Pod networking as the sandbox manager needs it. The daemon implements it with CNI
 * (cni-integration); the sandbox manager never sees plugins or their configuration.
 */
public interface PodNetwork {

    /** Whether pods needing their own network can be created now, and why not. */
    Readiness readiness();

    /**
     * Wires the pod's network namespace (interfaces, addresses, routes, port mappings). On failure
     * nothing of the attempt remains.
     *
     * @return the pod's IPs, primary first
     */
    List<String> attach(String podId, Path netns, Api.PodSandboxConfig config) throws IOException;

    /** Releases everything {@link #attach} allocated. Idempotent; works with the namespace gone. */
    void detach(String podId, Path netns, Api.PodSandboxConfig config) throws IOException;

    /** Pod IDs the network still holds allocations for (to release orphans after a crash). */
    Set<String> attachedPods() throws IOException;

    /** NetworkReady condition: ready, or the reason and message kubelet shows. */
    record Readiness(boolean ready, String reason, String message) {
        public static final Readiness READY = new Readiness(true, "", "");
    }
}
