package dev.jcri.sandbox.pod;

import java.io.IOException;
import java.time.Duration;

/**
 * What a pod's stop and removal need from its containers. The container side provides it and is
 * built first (it needs the pods' {@link PodRegistry}, not the pod verbs), so there is no cycle.
 */
public interface PodContainers {

    /** Stops every container of the pod: stop signal, SIGKILL after {@code timeout}. */
    void stopAll(String podId, Duration timeout) throws IOException;

    /** Removes every container of the pod. */
    void removeAll(String podId) throws IOException;

    /** Why the handler's containers cannot run in a pod user namespace on this node; empty when they can. */
    default java.util.Optional<String> userNamespacesUnsupported(String handler) {
        return java.util.Optional.of("not available");
    }
}
