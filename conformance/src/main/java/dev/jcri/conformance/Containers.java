package dev.jcri.conformance;

import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestRegistry;
import java.time.Duration;
import java.util.List;
import runtime.v1.Api;

/** Container helpers for the suite and the benchmark: a busybox image in a test registry, configs, waiting for states. */
public final class Containers {

    private static volatile TestRegistry registry;
    private static volatile PushedImage busybox;

    private Containers() {}

    /** A busybox image pushed once per test JVM to a registry of its own, and pulled into the runtime. */
    public static synchronized String busybox(CriClient cri) throws Exception {
        if (busybox == null) {
            registry = TestRegistry.start();
            Runtime.getRuntime().addShutdownHook(new Thread(registry::close));
            busybox = registry.push("test/busybox:1", TestImages.busybox());
        }
        cri.images().pullImage(Api.PullImageRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(busybox.reference())).build());
        return busybox.reference();
    }

    /** The test registry (started by {@link #busybox}). */
    public static TestRegistry registry() {
        return registry;
    }

    public static Api.ContainerConfig.Builder config(String name, String image, String... command) {
        return Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName(name))
                .setImage(Api.ImageSpec.newBuilder().setImage(image))
                .addAllCommand(List.of(command))
                .setLogPath(name + ".log")
                .putLabels("jcri.test", name);
    }

    public static String create(CriClient cri, String podId, Api.PodSandboxConfig pod, Api.ContainerConfig config) {
        return cri.runtime().createContainer(Api.CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setConfig(config).setSandboxConfig(pod).build()).getContainerId();
    }

    public static String run(CriClient cri, String podId, Api.PodSandboxConfig pod, Api.ContainerConfig config) {
        String id = create(cri, podId, pod, config);
        cri.runtime().startContainer(Api.StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    public static Api.ContainerStatus status(CriClient cri, String id) {
        return cri.runtime().containerStatus(Api.ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    public static Api.ContainerStatus awaitExit(CriClient cri, String id, Duration timeout) {
        return Deadline.await("container " + id + " to exit", timeout, () -> {
            Api.ContainerStatus s = status(cri, id);
            return s.getState() == Api.ContainerState.CONTAINER_EXITED ? s : null;
        });
    }

    public static Api.ExecSyncResponse exec(CriClient cri, String id, long timeoutSeconds, String... cmd) {
        return cri.runtime().execSync(Api.ExecSyncRequest.newBuilder().setContainerId(id)
                .addAllCmd(List.of(cmd)).setTimeout(timeoutSeconds).build());
    }

    public static void stop(CriClient cri, String id, long timeoutSeconds) {
        cri.runtime().stopContainer(Api.StopContainerRequest.newBuilder().setContainerId(id).setTimeout(timeoutSeconds).build());
    }

    public static void remove(CriClient cri, String id) {
        cri.runtime().removeContainer(Api.RemoveContainerRequest.newBuilder().setContainerId(id).build());
    }

    /** A pod with a log directory under {@code logDir}. */
    public static Api.PodSandboxConfig pod(String name, boolean podNetwork, Api.NamespaceMode pid, java.nio.file.Path logDir) {
        return Pods.config(name, podNetwork, pid).setLogDirectory(logDir.toString()).build();
    }
}
