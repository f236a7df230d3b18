package dev.jcri.conformance.bench;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Pods;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import runtime.v1.Api;

/**
 * What the benchmark runs, the same for every runtime: pods on the benchmark's CNI network (network
 * POD, PID per container, as kubelet's defaults) under one cgroup parent, each with one busybox
 * container that sleeps and exits at once on SIGTERM.
 */
public final class Workload {

    /**
     * The cgroup parent of every benchmark pod (as kubelet's /kubepods/...; removed at the end). One per
     * benchmark process, so two runs on one machine never remove each other's pods' parent.
     */
    public static final String CGROUP_ROOT = "/jcribench-" + ProcessHandle.current().pid();

    /** PID 1 traps TERM, so StopContainer measures a clean stop, not a grace-period timeout. */
    public static final List<String> COMMAND = List.of("/bin/sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait");

    /** Process names of the workload itself (not counted as runtime memory). */
    public static final java.util.Set<String> PROCESS_NAMES = java.util.Set.of("sh", "sleep");

    private final Path logRoot;
    private final String image;

    public Workload(Path logRoot, String image) {
        this.logRoot = logRoot;
        this.image = image;
    }

    public String image() {
        return image;
    }

    /** A pod config with a unique name, its log directory created (kubelet creates it too). */
    public Api.PodSandboxConfig pod(String name) {
        Api.PodSandboxConfig.Builder b = Pods.config(name, true, Api.NamespaceMode.CONTAINER);
        String uid = b.getMetadata().getUid();
        Path logs = logRoot.resolve(b.getMetadata().getName());
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        b.setLogDirectory(logs.toString());
        b.getLinuxBuilder().setCgroupParent(CGROUP_ROOT + "/pod" + uid);
        return b.build();
    }

    public Api.RunPodSandboxRequest runPod(Api.PodSandboxConfig pod, String handler) {
        return Api.RunPodSandboxRequest.newBuilder().setConfig(pod).setRuntimeHandler(handler).build();
    }

    public Api.CreateContainerRequest createContainer(String podId, Api.PodSandboxConfig pod) {
        return Api.CreateContainerRequest.newBuilder().setPodSandboxId(podId).setSandboxConfig(pod)
                .setConfig(Containers.config("sleeper", image, COMMAND.toArray(String[]::new))).build();
    }

    /** Stops and removes every pod the runtime has (best effort; errors are returned as lines). */
    public static List<String> removeAllPods(CriClient cri) {
        List<String> errors = new java.util.ArrayList<>();
        for (Api.PodSandbox p : cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
            try {
                Pods.stopAndRemove(cri, p.getId());
            } catch (StatusRuntimeException e) {
                errors.add("removing pod " + p.getId() + ": " + e.getStatus());
            }
        }
        return errors;
    }
}
