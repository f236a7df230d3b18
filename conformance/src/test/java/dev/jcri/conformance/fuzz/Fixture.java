package dev.jcri.conformance.fuzz;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.Pods;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import runtime.v1.Api;

/**
 * The objects one case needs, made through the CRI before its call, and their removal after it
 * (also of objects a case's call created: a wrongly accepted request must not stay). Setup
 * failures throw: they are the suite's problem, not the case's finding.
 */
final class Fixture {

    /** Runs until stopped, and exits at once on SIGTERM (PID 1 ignores signals it has no handler for). */
    static final List<String> LOOP = List.of("sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done");

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    enum State { CREATED, RUNNING, EXITED }

    final FuzzEnv env;
    private final List<String> pods = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();
    /** Container ID → its log file, deleted after removal as kubelet does. */
    private final Map<String, Path> logs = new HashMap<>();
    /** Log directories of the case's pods, removed after them as kubelet does (if empty: what is left is a finding). */
    private final List<Path> podLogDirs = new ArrayList<>();
    private final Map<String, Api.PodSandboxConfig> podConfigs = new HashMap<>();
    /** The object the case's call is about; its ID is what NOT_FOUND and FAILED_PRECONDITION messages must name. */
    String target = "";

    Fixture(FuzzEnv env) {
        this.env = env;
    }

    static String unique(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet();
    }

    // ---------------------------------------------------------------- configs

    /** A valid pod config: host network unless {@code podNetwork}, a cgroup of its own under the run's level. */
    Api.PodSandboxConfig.Builder podConfig(boolean podNetwork) {
        String name = unique("fuzzpod");
        Api.PodSandboxConfig.Builder config = Pods.config(name, podNetwork, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(env.work().resolve("logs").resolve(name).toString());
        config.getLinuxBuilder().setCgroupParent(env.cgroupRoot() + "/" + name);
        return config;
    }

    /** A valid container config for the base pod: a loop that exits on SIGTERM, logging to NAME.log. */
    Api.ContainerConfig.Builder containerConfig() {
        return Containers.config(unique("fuzzctr"), env.image(), LOOP.toArray(String[]::new));
    }

    // ---------------------------------------------------------------- objects

    /** A ready pod (host network, so no CNI), removed after the case. */
    String pod() {
        return pod(podConfig(false).build());
    }

    /** Runs a pod, first creating its log directory as kubelet does. */
    String pod(Api.PodSandboxConfig config) {
        createLogDirectory(config);
        String id = Pods.run(env.cri(), config);
        adoptPod(id, config);
        target = id;
        return id;
    }

    /** A pod that was stopped. */
    String stoppedPod() {
        String id = pod();
        env.cri().runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        return id;
    }

    /** A container of the base pod in the given state. */
    String container(State state) {
        Api.ContainerConfig.Builder config = containerConfig();
        if (state == State.EXITED) {
            config.clearCommand().addCommand("true");
        }
        return container(env.basePodId(), config.build(), state);
    }

    /** A container of the given pod (one of this case's, or the base pod) in the given state. */
    String container(String podId, Api.ContainerConfig config, State state) {
        Api.PodSandboxConfig pod = configOf(podId);
        String id = Containers.create(env.cri(), podId, pod, config);
        adoptContainer(id, pod, config);
        if (state != State.CREATED) {
            env.cri().runtime().startContainer(Api.StartContainerRequest.newBuilder().setContainerId(id).build());
        }
        if (state == State.RUNNING) {
            Deadline.await("container " + id + " running", Duration.ofSeconds(30),
                    () -> Containers.status(env.cri(), id).getState() == Api.ContainerState.CONTAINER_RUNNING ? Boolean.TRUE : null);
        } else if (state == State.EXITED) {
            Containers.awaitExit(env.cri(), id, Duration.ofSeconds(30));
        }
        target = id;
        return id;
    }

    /** Pods made until two IDs share their first character; returns that one-character prefix. */
    String podsSharingAPrefix() {
        Map<Character, String> byFirst = new HashMap<>();
        while (true) {
            String id = pod();
            if (byFirst.putIfAbsent(id.charAt(0), id) != null) {
                target = id.substring(0, 1);
                return target;
            }
        }
    }

    /** Containers (created, not started) made in the base pod until two IDs share their first character. */
    String containersSharingAPrefix() {
        Map<Character, String> byFirst = new HashMap<>();
        while (true) {
            String id = container(State.CREATED);
            if (byFirst.putIfAbsent(id.charAt(0), id) != null) {
                target = id.substring(0, 1);
                return target;
            }
        }
    }

    // ---------------------------------------------------------------- adopting and removing

    void adoptPod(String id, Api.PodSandboxConfig config) {
        env.idsSeen().add(id);
        if (!pods.contains(id)) {
            pods.add(id);
        }
        podConfigs.put(id, config);
    }

    /** The config a pod of this case was made with (the base pod's for any other ID). */
    Api.PodSandboxConfig configOf(String podId) {
        return podConfigs.getOrDefault(podId, env.basePod());
    }

    /**
     * kubelet makes a pod's log directory before RunPodSandbox, and removes it with the pod: so
     * does the fixture (for directories under the run's work directory), whether or not the pod
     * came to be.
     */
    void createLogDirectory(Api.PodSandboxConfig config) {
        if (!config.getLogDirectory().isEmpty() && config.getLogDirectory().startsWith(env.work().toString())) {
            try {
                Path dir = Path.of(config.getLogDirectory());
                if (!Files.exists(dir)) {
                    podLogDirs.add(Files.createDirectories(dir));
                }
            } catch (IOException | java.nio.file.InvalidPathException e) {
                // a case's deliberately bad directory: the runtime must cope with it
            }
        }
    }

    void adoptContainer(String id, Api.PodSandboxConfig pod, Api.ContainerConfig config) {
        env.idsSeen().add(id);
        if (!containers.contains(id)) {
            containers.add(id);
        }
        if (!pod.getLogDirectory().isEmpty() && !config.getLogPath().isEmpty()) {
            logs.put(id, Path.of(pod.getLogDirectory()).resolve(config.getLogPath()).normalize());
        }
    }

    /**
     * Removes every object of the case through the CRI, newest first, as kubelet would (and deletes
     * the containers' log files and the pods' log directories it would delete). Returns what failed.
     */
    List<String> cleanup() {
        List<String> problems = new ArrayList<>();
        for (String id : containers.reversed()) {
            try {
                env.cri().runtime().removeContainer(Api.RemoveContainerRequest.newBuilder().setContainerId(id).build());
            } catch (StatusRuntimeException e) {
                problems.add("cleanup: RemoveContainer " + id + " failed: " + Verdicts.describe(e.getStatus()));
            }
        }
        for (String id : pods.reversed()) {
            try {
                env.cri().runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
                env.cri().runtime().removePodSandbox(Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
            } catch (StatusRuntimeException e) {
                problems.add("cleanup: Stop/RemovePodSandbox " + id + " failed: " + Verdicts.describe(e.getStatus()));
            }
        }
        for (Path log : logs.values()) {
            deleteQuietly(log);
        }
        for (Path dir : podLogDirs) {
            if (dir.startsWith(env.work()) && !dir.equals(env.baseLogs())) {
                deleteQuietly(dir);
            }
        }
        return problems;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            // a directory left non-empty is reported by the leak check
        }
    }
}
