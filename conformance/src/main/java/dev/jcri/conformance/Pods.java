package dev.jcri.conformance;

import java.util.UUID;
import runtime.v1.Api;

/** Pod sandbox configs for the suite and the benchmark: unique names and uids, host or pod namespaces as asked. */
public final class Pods {

    private Pods() {}

    /** A pod config with a unique name/uid; network NODE (host) unless {@code podNetwork}. */
    public static Api.PodSandboxConfig.Builder config(String name, boolean podNetwork, Api.NamespaceMode pid) {
        String uid = UUID.randomUUID().toString();
        return Api.PodSandboxConfig.newBuilder()
                .setMetadata(Api.PodSandboxMetadata.newBuilder().setName(name + "-" + uid.substring(0, 8))
                        .setNamespace("jcri-test").setUid(uid).setAttempt(0))
                .setHostname(name)
                .putLabels("jcri.test", name)
                .putAnnotations("jcri.test/annotation", "value-" + name)
                .setLinux(Api.LinuxPodSandboxConfig.newBuilder()
                        .setSecurityContext(Api.LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(Api.NamespaceOption.newBuilder()
                                        .setNetwork(podNetwork ? Api.NamespaceMode.POD : Api.NamespaceMode.NODE)
                                        .setPid(pid)
                                        .setIpc(Api.NamespaceMode.POD))));
    }

    public static String run(CriClient cri, Api.PodSandboxConfig config) {
        return cri.runtime().runPodSandbox(Api.RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    public static Api.PodSandboxStatus status(CriClient cri, String id) {
        return cri.runtime().podSandboxStatus(Api.PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()).getStatus();
    }

    public static void stopAndRemove(CriClient cri, String id) {
        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        cri.runtime().removePodSandbox(Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }
}
