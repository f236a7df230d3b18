package dev.jcri.sandbox.pod;

import java.util.List;

/**
 * What jcri keeps on disk about one pod sandbox ({@code <root>/pods/<id>/pod.json}). The CRI config
 * is kept whole (protobuf bytes) so status, containers and recovery see exactly what kubelet sent.
 *
 * @param config           the RunPodSandbox PodSandboxConfig, protobuf-encoded
 * @param sharedNamespaces the namespaces jcri created and pinned for the pod ("net", "ipc", "uts")
 * @param ips              pod IPs, primary first
 * @param infra            the infra process holding the pod's PID namespace, or null when the pod needs none
 */
public record PodRecord(
        String id,
        String name,
        String namespace,
        String uid,
        int attempt,
        PodState state,
        long createdAtNanos,
        String runtimeHandler,
        byte[] config,
        List<String> sharedNamespaces,
        List<String> ips,
        InfraProcess.Handle infra) {

    public PodRecord {
        sharedNamespaces = List.copyOf(sharedNamespaces);
        ips = List.copyOf(ips);
    }

    public PodRecord withState(PodState newState) {
        return new PodRecord(id, name, namespace, uid, attempt, newState, createdAtNanos, runtimeHandler, config,
                sharedNamespaces, ips, infra);
    }

    public PodRecord withIps(List<String> newIps) {
        return new PodRecord(id, name, namespace, uid, attempt, state, createdAtNanos, runtimeHandler, config,
                sharedNamespaces, newIps, infra);
    }

    public PodRecord withInfra(InfraProcess.Handle handle) {
        return new PodRecord(id, name, namespace, uid, attempt, state, createdAtNanos, runtimeHandler, config,
                sharedNamespaces, ips, handle);
    }

    /** kubelet's identity of a pod attempt: a retried RunPodSandbox with the same key is the same sandbox. */
    public String reservationKey() {
        return reservationKey(name, namespace, uid, attempt);
    }

    public static String reservationKey(String name, String namespace, String uid, int attempt) {
        return name + "_" + namespace + "_" + uid + "_" + attempt;
    }
}
