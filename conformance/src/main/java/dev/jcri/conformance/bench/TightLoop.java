package dev.jcri.conformance.bench;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.TestNetwork;
import dev.jcri.conformance.registry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import runtime.v1.Api;

/**
 * The cheap calls alone, one at a time, on idle runtimes: jcri and containerd each with one pod
 * and container running (plus {@code extra} more pods), then {@code rounds} rounds of
 * PodSandboxStatus, ListPodSandbox, ContainerStatus, ListContainers and ImageStatus, the runtimes
 * taking turns every round so both see the same machine. Prints p50/p90 per call and runtime: the
 * same client against containerd is the client's own share. Between set-up and the loop it waits
 * for {@code $JCRI_TIGHT_PAUSE} seconds (to attach strace or jcmd to the daemons; their pids are
 * printed). With {@code lifecycle} as the fourth argument it times container lifecycles in the first pod
 * instead (CreateContainer, StartContainer, StopContainer, RemoveContainer), to profile the
 * container calls alone, with a Version call before and after the removal and one more after
 * it: the floor any call pays at that moment, next to what the removal adds. Run as root:
 * {@code java -cp conformance-*-bench.jar -Djcri.jar=... dev.jcri.conformance.bench.TightLoop LAUNCHER ROUNDS EXTRA [lifecycle]}.
 */
public final class TightLoop {

    private TightLoop() {}

    public static void main(String[] args) throws Exception {
        List<String> launcher = List.of(args[0].split(" "));
        int rounds = Integer.parseInt(args[1]);
        int extra = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        boolean lifecycle = args.length > 3 && args[3].equals("lifecycle");
        Path work = Files.createTempDirectory("jcri-tight-");
        List<BenchRuntime> runtimes = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> runtimes.forEach(BenchRuntime::stopAndCleanUp)));
        String cniBin = Files.isExecutable(Path.of("/usr/lib/cni/bridge")) ? "/usr/lib/cni" : "/opt/cni/bin";
        try (TestRegistry registry = TestRegistry.start(); TestNetwork network = TestNetwork.create(work)) {
            BenchImages images = new BenchImages(registry);
            HostProcesses.createCgroups(Workload.CGROUP_ROOT);
            runtimes.add(JcriRuntime.start(work.resolve("jcri"), launcher, network.confDir(), cniBin));
            runtimes.add(ContainerdRuntime.start(work.resolve("containerd"), network.confDir(), cniBin,
                    registry.host(), images.pause().reference(), ContainerdRuntime.which("runc").toString()));
            Workload workload = new Workload(work.resolve("logs"), images.busybox().reference());
            Map<BenchRuntime, String[]> ids = new LinkedHashMap<>();
            Map<BenchRuntime, Api.PodSandboxConfig> firstPods = new LinkedHashMap<>();
            for (BenchRuntime r : runtimes) {
                CriClient cri = r.client();
                for (String ref : List.of(images.busybox().reference(), images.pause().reference())) {
                    cri.images().pullImage(Api.PullImageRequest.newBuilder()
                            .setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
                }
                String[] podAndCtr = null;
                for (int i = 0; i <= extra; i++) {
                    Api.PodSandboxConfig pod = workload.pod("tight");
                    String podId = cri.runtime().runPodSandbox(workload.runPod(pod, "")).getPodSandboxId();
                    String ctr = cri.runtime().createContainer(workload.createContainer(podId, pod)).getContainerId();
                    cri.runtime().startContainer(Api.StartContainerRequest.newBuilder().setContainerId(ctr).build());
                    if (podAndCtr == null) {
                        podAndCtr = new String[] {podId, ctr};
                        firstPods.put(r, pod);
                    }
                }
                ids.put(r, podAndCtr);
                System.err.println("tight: " + r.name() + " pid " + r.pid() + " socket " + r.dir());
            }
            long pause = Long.parseLong(System.getenv().getOrDefault("JCRI_TIGHT_PAUSE", "0"));
            if (pause > 0) {
                System.err.println("tight: pausing " + pause + " s");
                Thread.sleep(pause * 1000); // a window for a human to attach tools, not synchronisation
            }
            Map<BenchRuntime, Samples> samples = new LinkedHashMap<>();
            runtimes.forEach(r -> samples.put(r, new Samples()));
            for (int round = 0; round < rounds; round++) {
                for (BenchRuntime r : runtimes) {
                    CriClient cri = r.client();
                    Samples s = samples.get(r);
                    String pod = ids.get(r)[0];
                    String ctr = ids.get(r)[1];
                    if (lifecycle) {
                        containerLifecycle(cri, s, workload, pod, firstPods.get(r));
                        continue;
                    }
                    for (int k = 0; k < 10; k++) {
                        time(s, "PodSandboxStatus", () -> cri.runtime().podSandboxStatus(
                                Api.PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).build()));
                        time(s, "ListPodSandbox", () -> cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()));
                        time(s, "ContainerStatus", () -> cri.runtime().containerStatus(
                                Api.ContainerStatusRequest.newBuilder().setContainerId(ctr).build()));
                        time(s, "ListContainers", () -> cri.runtime().listContainers(Api.ListContainersRequest.getDefaultInstance()));
                        time(s, "ImageStatus", () -> cri.images().imageStatus(Api.ImageStatusRequest.newBuilder()
                                .setImage(Api.ImageSpec.newBuilder().setImage(workload.image())).build()));
                        time(s, "Version", () -> cri.runtime().version(Api.VersionRequest.getDefaultInstance()));
                    }
                }
            }
            System.out.printf("%-18s %-12s %8s %8s %8s%n", "call", "runtime", "p50 ms", "p90 ms", "n");
            List<String> ops = lifecycle
                    ? List.of("CreateContainer", "StartContainer", "StopContainer", "VersionAfterStop", "RemoveContainer",
                            "VersionAfterRemove", "Version")
                    : List.of("PodSandboxStatus", "ListPodSandbox", "ContainerStatus", "ListContainers", "ImageStatus", "Version");
            for (String op : ops) {
                for (BenchRuntime r : runtimes) {
                    List<Double> v = samples.get(r).get(op);
                    System.out.printf("%-18s %-12s %8.3f %8.3f %8d%n", op, r.name(), Stats.percentile(v, 50),
                            Stats.percentile(v, 90), v.size());
                }
            }
            // $JCRI_TIGHT_SETTLE seconds before memory is read: a daemon returns freed memory periodically
            long settle = Long.parseLong(System.getenv().getOrDefault("JCRI_TIGHT_SETTLE", "0"));
            if (settle > 0) {
                Thread.sleep(settle * 1000); // lets the daemons return memory before it is read, not synchronisation
            }
            for (BenchRuntime r : runtimes) {
                System.out.println(r.name() + " " + Files.readAllLines(Path.of("/proc/" + r.pid() + "/status")).stream()
                        .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM")).toList());
            }
            for (BenchRuntime r : runtimes) {
                for (Api.PodSandbox p : r.client().runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance())
                        .getItemsList()) {
                    Pods.stopAndRemove(r.client(), p.getId());
                }
                r.stopAndCleanUp();
            }
            runtimes.clear();
            HostProcesses.removeCgroups(Workload.CGROUP_ROOT);
        }
        HostProcesses.deleteTree(work);
        System.exit(0);
    }

    private static void containerLifecycle(CriClient cri, Samples s, Workload workload, String podId,
            Api.PodSandboxConfig pod) {
        Api.CreateContainerRequest.Builder create = workload.createContainer(podId, pod).toBuilder();
        create.getConfigBuilder().getMetadataBuilder().setName("cycle");
        String ctr = s.time("CreateContainer", () -> cri.runtime().createContainer(create.build())).getContainerId();
        s.time("StartContainer", () -> cri.runtime().startContainer(
                Api.StartContainerRequest.newBuilder().setContainerId(ctr).build()));
        s.time("StopContainer", () -> cri.runtime().stopContainer(
                Api.StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(10).build()));
        // the no-op call beside it: what any call costs right there (the stop's aftermath included)
        s.time("VersionAfterStop", () -> cri.runtime().version(Api.VersionRequest.getDefaultInstance()));
        s.time("RemoveContainer", () -> cri.runtime().removeContainer(
                Api.RemoveContainerRequest.newBuilder().setContainerId(ctr).build()));
        s.time("VersionAfterRemove", () -> cri.runtime().version(Api.VersionRequest.getDefaultInstance()));
        s.time("Version", () -> cri.runtime().version(Api.VersionRequest.getDefaultInstance()));
    }

    private static void time(Samples s, String op, Supplier<?> call) {
        s.time(op, call);
    }
}
