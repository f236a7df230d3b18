package dev.jcri.conformance.chaos;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.chaos.Ledger.Container;
import dev.jcri.conformance.chaos.Ledger.Fate;
import dev.jcri.conformance.chaos.Ledger.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import runtime.v1.Api;

/**
 * The load the kills land in, as kubelet makes it: two workers that each keep a few pods and
 * containers alive, creating, starting, stopping and removing them back to back in a random order,
 * and a remover that removes random objects of either worker without stopping them first (as a
 * pod deletion races a worker's calls). Every choice comes from a {@link Random} seeded from the
 * run's seed; every answer goes into the {@link Ledger}.
 *
 * <p>Pods use the pod network (CNI) and a cgroup parent under the run's: their own, or for a fifth
 * of them one they share (as pods of a client that names one parent for all). A quarter have a
 * host port (portmap's iptables rules), a third a shared PID namespace (an infra process).
 * Containers run busybox: three in four sleep until killed, one in four exits 7 at once.
 */
final class Churn {

    private static final int WORKERS = 2;
    private static final int FIRST_HOST_PORT = 40000;
    /** The cgroup parent a fifth of the pods share (the others have one each, as kubelet gives them). */
    static final String SHARED_CGROUP = "shared";

    private final Ledger ledger;
    private final Calls calls;
    private final Gate gate;
    private final Findings findings;
    private final Site site;
    private final String image;
    private final ChaosOptions options;
    /** Names the current phase ("before kill 3") in findings the workers make. */
    private final Supplier<String> phase;
    private final AtomicInteger podSeq = new AtomicInteger();
    private final AtomicInteger containerSeq = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    Churn(Ledger ledger, Calls calls, Gate gate, Findings findings, Site site, String image, ChaosOptions options,
            Supplier<String> phase) {
        this.ledger = ledger;
        this.calls = calls;
        this.gate = gate;
        this.findings = findings;
        this.site = site;
        this.image = image;
        this.options = options;
        this.phase = phase;
    }

    /** Starts the workers and the remover; they call only while the gate is open. */
    void start() {
        for (int w = 1; w <= WORKERS; w++) {
            int worker = w;
            Random random = new Random(options.seed() * 31 + w);
            threads.add(Thread.ofPlatform().daemon().name("chaos-worker-" + w).start(() -> loop(() -> step(worker, random))));
        }
        Random random = new Random(options.seed() * 31 + 99);
        threads.add(Thread.ofPlatform().daemon().name("chaos-remover").start(() -> loop(() -> removeOne(random))));
    }

    /** Ends the churn: waits for the calls in flight and for the threads. */
    void stop() throws InterruptedException {
        gate.closeForGood();
        for (Thread t : threads) {
            t.join();
        }
    }

    private void loop(Runnable step) {
        try {
            while (gate.enter()) {
                try {
                    step.run();
                } finally {
                    gate.exit();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- choosing

    private void step(int worker, Random random) {
        List<Runnable> options = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        synchronized (ledger) {
            List<Pod> live = ledger.pods().stream().filter(p -> p.worker == worker && p.live()).toList();
            List<Pod> ready = live.stream().filter(Pod::ready).toList();
            List<Container> mine = ledger.containers().stream().filter(c -> c.worker == worker && c.live()).toList();
            if (ready.size() < this.options.podsPerWorker()) {
                add(options, weights, ready.isEmpty() ? 30 : 4, () -> runPod(worker, random));
            }
            List<Pod> roomy = ready.stream().filter(p -> mine.stream().filter(c -> c.pod == p).count() < this.options.containersPerPod())
                    .toList();
            if (!roomy.isEmpty()) {
                Pod pod = pick(roomy, random);
                add(options, weights, 8, () -> createContainer(worker, pod, random));
            }
            List<Container> startable = mine.stream()
                    .filter(c -> c.start == Fate.NONE && c.stop == Fate.NONE && c.pod.ready()).toList();
            if (!startable.isEmpty()) {
                Container c = pick(startable, random);
                add(options, weights, 8, () -> startContainer(c));
            }
            List<Container> running = mine.stream().filter(c -> c.start == Fate.DONE && c.stop == Fate.NONE).toList();
            if (!running.isEmpty()) {
                Container c = pick(running, random);
                add(options, weights, 3, () -> stopContainer(c));
            }
            if (!mine.isEmpty()) {
                Container c = pick(mine, random);
                add(options, weights, 3, () -> removeContainer(c));
            }
            if (!ready.isEmpty()) {
                Pod pod = pick(ready, random);
                add(options, weights, 1, () -> stopPod(pod));
            }
            List<Pod> stopped = live.stream().filter(p -> p.stop == Fate.DONE).toList();
            if (!stopped.isEmpty() || !live.isEmpty()) {
                Pod pod = pick(stopped.isEmpty() ? live : stopped, random);
                add(options, weights, stopped.isEmpty() ? 1 : 6, () -> removePod(pod));
            }
        }
        int total = weights.stream().mapToInt(Integer::intValue).sum();
        int r = random.nextInt(total);
        for (int i = 0; i < options.size(); i++) {
            r -= weights.get(i);
            if (r < 0) {
                options.get(i).run();
                return;
            }
        }
    }

    /** The remover: one random live object of either worker, removed without a stop first. */
    private void removeOne(Random random) {
        pause(200 + random.nextInt(600)); // pacing of the remover's load, not a synchronisation
        Runnable action = null;
        synchronized (ledger) {
            List<Container> containers = ledger.containers().stream().filter(Container::live).toList();
            List<Pod> pods = ledger.pods().stream().filter(Pod::live).toList();
            if (!containers.isEmpty() && (pods.isEmpty() || random.nextInt(10) < 7)) {
                Container c = pick(containers, random);
                action = () -> removeContainer(c);
            } else if (!pods.isEmpty()) {
                Pod p = pick(pods, random);
                action = () -> removePod(p);
            }
        }
        if (action != null) {
            action.run();
        }
    }

    private static void add(List<Runnable> options, List<Integer> weights, int weight, Runnable option) {
        options.add(option);
        weights.add(weight);
    }

    private static <T> T pick(List<T> from, Random random) {
        return from.get(random.nextInt(from.size()));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- calls

    private void runPod(int worker, Random random) {
        int seq = podSeq.incrementAndGet();
        String name = "w" + worker + "-p" + seq;
        boolean infra = random.nextInt(3) == 0;
        boolean hostPort = random.nextInt(4) == 0;
        boolean sharedCgroup = random.nextInt(5) == 0;
        UUID uid = new UUID(random.nextLong(), random.nextLong());
        Api.PodSandboxConfig.Builder config = Pods.config(name, true, infra ? Api.NamespaceMode.POD : Api.NamespaceMode.CONTAINER);
        config.setMetadata(config.getMetadata().toBuilder().setName(name).setNamespace("chaos").setUid(uid.toString()))
                .setLogDirectory(site.logs().resolve(name).toString());
        config.getLinuxBuilder().setCgroupParent(site.cgroupBase() + "/" + (sharedCgroup ? SHARED_CGROUP : name));
        if (hostPort) {
            config.addPortMappings(Api.PortMapping.newBuilder().setProtocol(Api.Protocol.TCP).setContainerPort(80)
                    .setHostPort(FIRST_HOST_PORT + seq % 20000));
        }
        Pod pod = ledger.addPod(new Pod(worker, name, uid.toString(), infra, config.build()));
        Calls.Result<String> r = call("RunPodSandbox", name, cri -> cri.runtime().runPodSandbox(Api.RunPodSandboxRequest.newBuilder()
                .setConfig(pod.config).setRuntimeHandler(site.handler()).build()).getPodSandboxId());
        synchronized (ledger) {
            switch (r.kind()) {
                case OK -> {
                    pod.id = r.value();
                    pod.create = Fate.DONE;
                }
                case CUT, FAILED -> {
                    pod.create = Fate.CUT; // a failed create may have left something: as uncertain as a cut one
                    pod.createCut = true;
                    pod.createError = r.kind() == Calls.Kind.FAILED ? r.error() : null;
                }
                default -> pod.gone = true;
            }
        }
    }

    private void createContainer(int worker, Pod pod, Random random) {
        String name = "w" + worker + "-c" + containerSeq.incrementAndGet();
        boolean quitter = random.nextInt(4) == 0;
        Api.ContainerConfig.Builder config = quitter ? Containers.config(name, image, "sh", "-c", "exit 7")
                : Containers.config(name, image, "sleep", "100000");
        if (pod.infra) {
            config.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPid(Api.NamespaceMode.POD);
        }
        Container c = ledger.addContainer(new Container(worker, name, pod, quitter, config.build()));
        String podId;
        synchronized (ledger) {
            podId = pod.id;
        }
        long calledAt = System.nanoTime();
        Calls.Result<String> r = call("CreateContainer", name, cri -> cri.runtime().createContainer(Api.CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setConfig(c.config).setSandboxConfig(pod.config).build()).getContainerId());
        synchronized (ledger) {
            switch (r.kind()) {
                case OK -> {
                    c.id = r.value();
                    c.create = Fate.DONE;
                    if (pod.stoppedAt < calledAt) {
                        findings.add(Findings.Kind.WRONG, "create-after-stop " + name, "CreateContainer answered OK for " + c.label()
                                + " though a StopPodSandbox or RemovePodSandbox of its pod had answered OK before it was called",
                                phase.get());
                    }
                }
                case CUT, FAILED -> {
                    c.create = Fate.CUT;
                    c.createCut = true;
                    c.createError = r.kind() == Calls.Kind.FAILED ? r.error() : null;
                }
                default -> c.gone = true;
            }
        }
    }

    private void startContainer(Container c) {
        Calls.Result<Object> r = call("StartContainer", c.name, cri -> cri.runtime().startContainer(
                Api.StartContainerRequest.newBuilder().setContainerId(idOf(c)).build()));
        synchronized (ledger) {
            c.start = after(r, c.start);
        }
    }

    private void stopContainer(Container c) {
        Calls.Result<Object> r = call("StopContainer", c.name, cri -> cri.runtime().stopContainer(
                Api.StopContainerRequest.newBuilder().setContainerId(idOf(c)).setTimeout(0).build()));
        synchronized (ledger) {
            c.stop = after(r, c.stop);
        }
    }

    private void removeContainer(Container c) {
        Calls.Result<Object> r = call("RemoveContainer", c.name, cri -> cri.runtime().removeContainer(
                Api.RemoveContainerRequest.newBuilder().setContainerId(idOf(c)).build()));
        synchronized (ledger) {
            c.remove = after(r, c.remove);
            c.gone |= r.ok();
        }
    }

    private void stopPod(Pod pod) {
        Calls.Result<Object> r = call("StopPodSandbox", pod.name, cri -> cri.runtime().stopPodSandbox(
                Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(idOf(pod)).build()));
        synchronized (ledger) {
            pod.stop = after(r, pod.stop);
            if (r.ok()) {
                pod.stoppedAt = Math.min(pod.stoppedAt, System.nanoTime());
            }
        }
    }

    private void removePod(Pod pod) {
        Calls.Result<Object> r = call("RemovePodSandbox", pod.name, cri -> cri.runtime().removePodSandbox(
                Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(idOf(pod)).build()));
        synchronized (ledger) {
            pod.remove = after(r, pod.remove);
            if (r.ok()) {
                pod.gone = true;
                pod.stoppedAt = Math.min(pod.stoppedAt, System.nanoTime());
            }
        }
    }

    /** One call on a known object, named for the kill's report. */
    private <T> Calls.Result<T> call(String rpc, String object, Function<CriClient, T> call) {
        gate.doing(rpc + " " + object);
        return calls.call(rpc, call);
    }

    /**
     * What a verb's fate is after a call: done if answered OK; uncertain if cut, or if it failed
     * (a failed RemovePodSandbox may have removed some containers first); unchanged if refused.
     */
    private static Fate after(Calls.Result<?> r, Fate before) {
        return switch (r.kind()) {
            case OK -> Fate.DONE;
            case CUT, FAILED -> before == Fate.DONE ? before : Fate.CUT;
            case REFUSED -> before;
        };
    }

    private String idOf(Pod pod) {
        synchronized (ledger) {
            return pod.id;
        }
    }

    private String idOf(Container c) {
        synchronized (ledger) {
            return c.id;
        }
    }
}
