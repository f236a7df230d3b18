package dev.jcri.conformance.bench;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Pods;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import dev.jcri.conformance.stream.SpdyClient;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import runtime.v1.Api;

/** The measured workloads. Each returns raw samples; {@link Benchmark} turns them into measures. */
public final class Scenarios {

    /** The calls timed per lifecycle iteration, in report order. */
    public static final List<String> OPS = List.of("RunPodSandbox", "PodSandboxStatus", "ListPodSandbox", "StopPodSandbox",
            "RemovePodSandbox", "CreateContainer", "StartContainer", "ContainerStatus", "ListContainers", "StopContainer",
            "RemoveContainer", "ExecSync", "Exec", "PullImage", "ImageStatus");

    /** CreateContainer and StartContainer of one container, timed together (what the bare runtime's row compares with). */
    public static final String CREATE_START = "CreateContainer+StartContainer";

    /** Status, List, ImageStatus and ExecSync calls per iteration (cheap calls get more samples). */
    private static final int CHEAP_CALLS = 3;

    private final Workload workload;
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

    public Scenarios(Workload workload) {
        this.workload = workload;
    }

    /** Failed calls so far ("target: what: status"). */
    public List<String> errors() {
        return errors;
    }

    /**
     * {@code coldImages.size()} iterations spread over {@code concurrency} workers; each: a cold
     * PullImage, ImageStatus, a pod with one container through its whole life (statuses, lists,
     * ExecSync), torn down. Every call is timed.
     */
    public Samples lifecycle(Target t, int concurrency, List<String> coldImages) {
        Samples s = new Samples();
        CriClient cri = t.cri();
        parallel(concurrency, coldImages.size(), i -> {
            String podId = null;
            try {
                String cold = coldImages.get(i);
                s.time("PullImage", () -> cri.images().pullImage(Api.PullImageRequest.newBuilder()
                        .setImage(Api.ImageSpec.newBuilder().setImage(cold)).build()));
                for (int k = 0; k < CHEAP_CALLS; k++) {
                    s.time("ImageStatus", () -> cri.images().imageStatus(Api.ImageStatusRequest.newBuilder()
                            .setImage(Api.ImageSpec.newBuilder().setImage(workload.image())).build()));
                }
                Api.PodSandboxConfig pod = workload.pod("lc");
                String id = s.time("RunPodSandbox", () -> cri.runtime().runPodSandbox(workload.runPod(pod, t.handler())))
                        .getPodSandboxId();
                podId = id;
                for (int k = 0; k < CHEAP_CALLS; k++) {
                    s.time("PodSandboxStatus", () -> cri.runtime().podSandboxStatus(
                            Api.PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()));
                    s.time("ListPodSandbox", () -> cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()));
                }
                long created = System.nanoTime();
                String ctr = s.time("CreateContainer", () -> cri.runtime().createContainer(workload.createContainer(id, pod)))
                        .getContainerId();
                s.time("StartContainer", () -> cri.runtime().startContainer(
                        Api.StartContainerRequest.newBuilder().setContainerId(ctr).build()));
                s.add(CREATE_START, (System.nanoTime() - created) / 1e6);
                for (int k = 0; k < CHEAP_CALLS; k++) {
                    s.time("ContainerStatus", () -> cri.runtime().containerStatus(
                            Api.ContainerStatusRequest.newBuilder().setContainerId(ctr).build()));
                    s.time("ListContainers", () -> cri.runtime().listContainers(Api.ListContainersRequest.getDefaultInstance()));
                }
                for (int k = 0; k < CHEAP_CALLS; k++) {
                    Api.ExecSyncResponse r = s.time("ExecSync", () -> cri.runtime().execSync(Api.ExecSyncRequest.newBuilder()
                            .setContainerId(ctr).addCmd("/bin/true").setTimeout(10).build()));
                    if (r.getExitCode() != 0) {
                        errors.add(t + ": ExecSync /bin/true exited " + r.getExitCode());
                    }
                }
                for (int k = 0; k < CHEAP_CALLS; k++) {
                    String status = s.time("Exec", () -> streamingExec(cri, ctr));
                    if (!status.contains("Success")) {
                        errors.add(t + ": Exec /bin/true through the streaming server: " + status);
                    }
                }
                s.time("StopContainer", () -> cri.runtime().stopContainer(
                        Api.StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(10).build()));
                s.time("RemoveContainer", () -> cri.runtime().removeContainer(
                        Api.RemoveContainerRequest.newBuilder().setContainerId(ctr).build()));
                s.time("StopPodSandbox", () -> cri.runtime().stopPodSandbox(
                        Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build()));
                s.time("RemovePodSandbox", () -> cri.runtime().removePodSandbox(
                        Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build()));
            } catch (RuntimeException e) {
                errors.add(t + ": lifecycle: " + e);
                if (podId != null) {
                    quietlyRemove(cri, podId);
                }
            }
        });
        removeImages(cri, coldImages);
        return s;
    }

    /**
     * What {@code crictl exec} of /bin/true costs through the streaming server: the Exec call, the
     * SPDY upgrade, the streams, and the exit status on the error stream. Returns that status.
     */
    private static String streamingExec(CriClient cri, String ctr) {
        String url = cri.runtime().exec(Api.ExecRequest.newBuilder().setContainerId(ctr).addCmd("/bin/true")
                .setStdout(true).build()).getUrl();
        try (SpdyClient spdy = SpdyClient.connect(url, List.of("v4.channel.k8s.io"))) {
            SpdyClient.ClientStream error = spdy.open("error");
            SpdyClient.ClientStream stdout = spdy.open("stdout");
            stdout.readAll(EXEC_WAIT);
            return new String(error.readAll(EXEC_WAIT), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final java.time.Duration EXEC_WAIT = java.time.Duration.ofSeconds(30);

    /** Untimed: removes images (the cold pulls' leftovers). */
    public void removeImages(CriClient cri, List<String> refs) {
        for (String ref : refs) {
            try {
                cri.images().removeImage(Api.RemoveImageRequest.newBuilder()
                        .setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
            } catch (RuntimeException e) {
                errors.add("removing image " + ref + ": " + e);
            }
        }
    }

    /** Result of {@link #podStart}: each pod's start latency (ms) and the wall time for all (ms). */
    public record PodStart(List<Double> perPod, double wallMillis) {}

    /**
     * Starts {@code pods} pods, {@code concurrency} at a time: RunPodSandbox, CreateContainer,
     * StartContainer and ContainerStatus until RUNNING, timed as one; then removes them (untimed).
     */
    public PodStart podStart(Target t, int pods, int concurrency) {
        Samples s = new Samples();
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        parallel(concurrency, pods, i -> {
            try {
                long t0 = System.nanoTime();
                ids.add(startPod(t));
                s.add("PodStart", (System.nanoTime() - t0) / 1e6);
            } catch (RuntimeException e) {
                errors.add(t + ": pod start: " + e);
            }
        });
        double wall = (System.nanoTime() - start) / 1e6;
        removePods(t, ids, concurrency);
        return new PodStart(s.get("PodStart"), wall);
    }

    /** One pod with its container RUNNING; returns the pod's id. */
    public String startPod(Target t) {
        CriClient cri = t.cri();
        Api.PodSandboxConfig pod = workload.pod("start");
        String id = cri.runtime().runPodSandbox(workload.runPod(pod, t.handler())).getPodSandboxId();
        try {
            String ctr = cri.runtime().createContainer(workload.createContainer(id, pod)).getContainerId();
            cri.runtime().startContainer(Api.StartContainerRequest.newBuilder().setContainerId(ctr).build());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (cri.runtime().containerStatus(Api.ContainerStatusRequest.newBuilder().setContainerId(ctr).build())
                    .getStatus().getState() != Api.ContainerState.CONTAINER_RUNNING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("container " + ctr + " not RUNNING after 60 s");
                }
                Thread.onSpinWait();
            }
            return id;
        } catch (RuntimeException e) {
            quietlyRemove(cri, id);
            throw e;
        }
    }

    /** Untimed teardown of pods, {@code concurrency} at a time. */
    public void removePods(Target t, List<String> ids, int concurrency) {
        List<String> copy = List.copyOf(ids);
        parallel(concurrency, copy.size(), i -> {
            try {
                Pods.stopAndRemove(t.cri(), copy.get(i));
            } catch (RuntimeException e) {
                errors.add(t + ": removing pod: " + e);
            }
        });
    }

    /** A cold pull of {@code ref} (ms), then its removal (untimed). */
    public double pull(Target t, String ref) {
        long t0 = System.nanoTime();
        t.cri().images().pullImage(Api.PullImageRequest.newBuilder().setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
        double ms = (System.nanoTime() - t0) / 1e6;
        removeImages(t.cri(), List.of(ref));
        return ms;
    }

    /**
     * What kubelet's PLEG and pod workers call with many pods present, {@code rounds} times:
     * ListPodSandbox, ListContainers, then PodSandboxStatus and ContainerStatus of each.
     */
    public Samples relist(Target t, int rounds) {
        Samples s = new Samples();
        CriClient cri = t.cri();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            List<Api.PodSandbox> pods = s.time("ListPodSandbox", () -> cri.runtime()
                    .listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance())).getItemsList();
            List<Api.Container> ctrs = s.time("ListContainers", () -> cri.runtime()
                    .listContainers(Api.ListContainersRequest.getDefaultInstance())).getContainersList();
            s.add("Relist", (System.nanoTime() - t0) / 1e6);
            for (Api.PodSandbox p : pods) {
                s.time("PodSandboxStatus", () -> cri.runtime().podSandboxStatus(
                        Api.PodSandboxStatusRequest.newBuilder().setPodSandboxId(p.getId()).build()));
            }
            for (Api.Container c : ctrs) {
                s.time("ContainerStatus", () -> cri.runtime().containerStatus(
                        Api.ContainerStatusRequest.newBuilder().setContainerId(c.getId()).build()));
            }
            // kubelet's summary API (every ~10 s): stats of every container and of every pod
            timeIfImplemented(s, t, "ListContainerStats", () -> cri.runtime()
                    .listContainerStats(Api.ListContainerStatsRequest.getDefaultInstance()));
            timeIfImplemented(s, t, "ListPodSandboxStats", () -> cri.runtime()
                    .listPodSandboxStats(Api.ListPodSandboxStatsRequest.getDefaultInstance()));
            sleep(100);
        }
        return s;
    }

    /** Times a call a runtime may not implement (an older baseline): a failure is noted once, not fatal. */
    private void timeIfImplemented(Samples s, Target t, String op, java.util.function.Supplier<?> call) {
        try {
            s.time(op, call);
        } catch (io.grpc.StatusRuntimeException e) {
            String note = t + ": " + op + ": " + e.getStatus().getCode();
            if (!errors.contains(note)) {
                errors.add(note);
            }
        }
    }

    private void quietlyRemove(CriClient cri, String podId) {
        try {
            Pods.stopAndRemove(cri, podId);
        } catch (RuntimeException e) {
            errors.add("cleaning up pod " + podId + ": " + e);
        }
    }

    /** Runs task(0..count-1) on {@code concurrency} platform threads, each taking the next index. */
    static void parallel(int concurrency, int count, IntConsumer task) {
        if (concurrency <= 1) {
            for (int i = 0; i < count; i++) {
                task.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        task.accept(i);
                    }
                }));
            }
        }
        for (Future<?> worker : workers) { // a task that failed fails the run, as it would run serially
            try {
                worker.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
