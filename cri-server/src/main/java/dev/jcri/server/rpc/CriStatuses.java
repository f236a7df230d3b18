package dev.jcri.server.rpc;

import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.sandbox.container.ContainerState;
import dev.jcri.sandbox.container.ResizedResources;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.spec.StopSignals;
import runtime.v1.Api;

/** Records as the CRI's status messages: one translation for the status calls and the events. */
final class CriStatuses {

    private CriStatuses() {}

    static Api.ContainerStatus.Builder container(ContainerRecord c) {
        Api.ContainerConfig config = ContainerManager.config(c);
        Api.ContainerStatus.Builder status = Api.ContainerStatus.newBuilder()
                .setId(c.id())
                .setMetadata(config.getMetadata())
                .setState(state(c.state()))
                .setCreatedAt(c.createdAtNanos())
                .setStartedAt(c.startedAtNanos())
                .setFinishedAt(c.finishedAtNanos())
                .setExitCode(c.exitCode())
                .setImage(Api.ImageSpec.newBuilder().setImage(c.imageRequested()))
                .setImageRef(c.imageRef())
                .setImageId(c.imageId())
                .setReason(c.reason())
                .setMessage(c.message())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .addAllMounts(config.getMountsList())
                .setLogPath(c.logPath() == null ? "" : c.logPath())
                // the request's own name when it gave one (SIGIOT stays SIGIOT), else the image's or SIGTERM
                .setStopSignal(config.getStopSignal() != Api.Signal.RUNTIME_DEFAULT ? config.getStopSignal()
                        : StopSignals.toEnum(c.stopSignal()));
        if (c.user() != null) {
            // what the runtime was told to run the process as: the groups after the policy (Merge/Strict)
            status.setUser(Api.ContainerUser.newBuilder().setLinux(Api.LinuxContainerUser.newBuilder()
                    .setUid(c.user().uid()).setGid(c.user().gid()).addAllSupplementalGroups(c.user().additionalGids())));
        }
        if (config.getLinux().hasResources() || c.resources() != null) {
            status.setResources(Api.ContainerResources.newBuilder().setLinux(ResizedResources.current(c, config)));
        }
        return status;
    }

    static Api.PodSandboxStatus.Builder pod(PodRecord record) {
        Api.PodSandboxConfig config = PodSandboxManager.config(record);
        Api.PodSandboxStatus.Builder status = Api.PodSandboxStatus.newBuilder()
                .setId(record.id())
                .setMetadata(config.getMetadata())
                .setState(state(record.state()))
                .setCreatedAt(record.createdAtNanos())
                .setLinux(Api.LinuxPodSandboxStatus.newBuilder().setNamespaces(Api.Namespace.newBuilder()
                        .setOptions(config.getLinux().getSecurityContext().getNamespaceOptions())))
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .setRuntimeHandler(record.runtimeHandler());
        if (!record.ips().isEmpty() && record.state() == PodState.READY) {
            Api.PodSandboxNetworkStatus.Builder net = Api.PodSandboxNetworkStatus.newBuilder().setIp(record.ips().getFirst());
            record.ips().stream().skip(1).forEach(ip -> net.addAdditionalIps(Api.PodIP.newBuilder().setIp(ip)));
            status.setNetwork(net);
        }
        return status;
    }

    static Api.ContainerState state(ContainerState state) {
        return switch (state) {
            case CREATED -> Api.ContainerState.CONTAINER_CREATED;
            case RUNNING -> Api.ContainerState.CONTAINER_RUNNING;
            case EXITED -> Api.ContainerState.CONTAINER_EXITED;
            case CREATING, REMOVING -> Api.ContainerState.CONTAINER_UNKNOWN; // never listed: internal states
        };
    }

    static Api.PodSandboxState state(PodState state) {
        return state == PodState.READY ? Api.PodSandboxState.SANDBOX_READY : Api.PodSandboxState.SANDBOX_NOTREADY;
    }
}
