package dev.jcri.conformance.bench;

import dev.jcri.conformance.TestNetwork;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;

/**
 * The benchmark: jcri (with runc, and with crun) beside containerd (Debian's 1.6, CRI plugin, runc),
 * on the same machine, the same CNI network, the same images from one local registry. Runs are
 * interleaved (each repeat rotates the runtimes' order) after a warm-up; medians over repeats are
 * reported as a markdown table and JSON. Run it with {@code sudo bin/bench}; see
 * {@link BenchOptions#usage()}.
 */
public final class Benchmark {

    public static final String JCRI_RUNC = "jcri (runc)";
    public static final String JCRI_CRUN = "jcri (crun)";
    public static final String CONTAINERD = "containerd";

    private final BenchOptions o;
    private final Results results = new Results();
    private final List<String> notes = Collections.synchronizedList(new ArrayList<>());
    private final long started = System.nanoTime();

    public Benchmark(BenchOptions options) {
        this.o = options;
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (RuntimeException e) {
            if (e.getMessage() != null && !e.getMessage().isEmpty()) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.print(BenchOptions.usage());
            System.exit(2);
            return;
        }
        try {
            Report report = new Benchmark(options).run();
            System.out.println(report.markdown());
            System.err.println("bench: wrote " + options.out().resolve("bench.md") + " and " + options.out().resolve("bench.json"));
            System.exit(0);
        } catch (Exception e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** The written report. */
    public record Report(String markdown, String json) {}

    public Report run() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the benchmark needs root (namespaces, mounts, cgroups): sudo bin/bench");
        }
        Path work = o.workDir() != null ? Files.createDirectories(o.workDir()) : Files.createTempDirectory("jcri-bench-");
        List<BenchRuntime> runtimes = new ArrayList<>();
        Thread hook = new Thread(() -> runtimes.forEach(BenchRuntime::stopAndCleanUp));
        Runtime.getRuntime().addShutdownHook(hook);
        String cniBin = o.cniBinDir() != null ? o.cniBinDir()
                : Files.isExecutable(Path.of("/usr/lib/cni/bridge")) ? "/usr/lib/cni" : "/opt/cni/bin";
        Map<String, Object> meta = new LinkedHashMap<>();
        try (TestRegistry registry = TestRegistry.start(); TestNetwork network = TestNetwork.create(work)) {
            log("registry on " + registry.host() + ", work dir " + work);
            BenchImages images = new BenchImages(registry);
            HostProcesses.createCgroups(Workload.CGROUP_ROOT);
            JcriRuntime jcri = JcriRuntime.start(work.resolve("jcri"), o.jcriLauncher(), network.confDir(), cniBin);
            runtimes.add(jcri);
            List<Target> targets = new ArrayList<>(List.of(new Target(JCRI_RUNC, jcri, "")));
            if (o.crun()) {
                targets.add(new Target(JCRI_CRUN, jcri, "crun"));
            }
            if (o.containerd()) {
                ContainerdRuntime containerd = ContainerdRuntime.start(work.resolve("containerd"), network.confDir(), cniBin,
                        registry.host(), images.pause().reference(), ContainerdRuntime.which("runc").toString());
                runtimes.add(containerd);
                targets.add(new Target(CONTAINERD, containerd, ""));
            }
            log("runtimes serving: " + targets);
            meta.putAll(meta(runtimes));
            Workload workload = new Workload(work.resolve("logs"), images.busybox().reference());
            Scenarios sc = new Scenarios(workload);

            Scenarios.sleep(o.settleMillis());
            Map<Target, MemorySampler.Snapshot> fresh = new LinkedHashMap<>();
            for (Target t : targets) {
                fresh.put(t, MemorySampler.sample(t.runtime().pid(), t.runtime().helperMarker(), Workload.PROCESS_NAMES));
            }
            for (BenchRuntime r : runtimes) {
                pull(r, images.busybox().reference());
                if (r instanceof ContainerdRuntime) {
                    pull(r, images.pause().reference());
                }
            }
            if (o.warmup()) {
                for (Target t : targets) {
                    log("warm-up: " + t);
                    sc.lifecycle(t, 1, images.freshSmall(2));
                    sc.lifecycle(t, Math.min(2, o.parallelism()), images.freshSmall(2));
                    sc.podStart(t, 2, 1);
                }
            }
            Map<String, BareRuntime> bare = new LinkedHashMap<>();
            for (Target t : targets) {
                String oci = ociRuntimeOf(t);
                if (!bare.containsKey(oci)) {
                    bare.put(oci, BareRuntime.prepare(ContainerdRuntime.which(oci), work.resolve("bare-" + oci),
                            TestImages.busybox()));
                }
            }
            for (int r = 0; r < o.repeats(); r++) {
                List<Target> order = rotate(targets, r);
                log("repeat " + (r + 1) + "/" + o.repeats() + ", order " + order);
                Map<Target, Samples> oneAtATime = new LinkedHashMap<>();
                for (int c : concurrencies()) {
                    for (Target t : order) {
                        log("  latency c=" + c + ": " + t);
                        Samples s = sc.lifecycle(t, c, images.freshSmall(o.iterations()));
                        if (c == 1) {
                            oneAtATime.put(t, s);
                        }
                        results.addPercentiles("c" + c + ".CreateStart", "CreateContainer + StartContainer",
                                latencyGroup(c), t.label(), s.get(Scenarios.CREATE_START));
                        for (String op : Scenarios.OPS) {
                            String label = op + (op.equals("PullImage") ? " (cold)" : "");
                            results.addPercentiles("c" + c + "." + op, label, latencyGroup(c), t.label(), s.get(op));
                        }
                    }
                }
                bareRuntimes(sc, jcri, targets, bare, oneAtATime);
                for (int c : concurrencies()) {
                    for (Target t : order) {
                        log("  pod start c=" + c + ": " + t);
                        Scenarios.PodStart ps = sc.podStart(t, o.pods(), c);
                        String group = "Whole pod start (RunPodSandbox + CreateContainer + StartContainer until RUNNING), "
                                + o.pods() + " pods";
                        String prefix = "c=" + c + ", per pod";
                        results.add(new Results.Measure("podstart.c" + c + ".p50", prefix + " p50", "ms", group), t.label(),
                                Stats.percentile(ps.perPod(), 50));
                        results.add(new Results.Measure("podstart.c" + c + ".p95", prefix + " p95", "ms", group), t.label(),
                                Stats.percentile(ps.perPod(), 95));
                        results.add(new Results.Measure("podstart.c" + c + ".wall", "c=" + c + ", all " + o.pods() + " pods",
                                "s", group), t.label(), ps.wallMillis() / 1000);
                    }
                }
                for (Target t : order) {
                    String ref = images.freshLarge(o.largeLayers(), o.largeLayerMiB() << 20);
                    log("  cold pull " + ref + ": " + t);
                    double ms = sc.pull(t, ref);
                    results.add(new Results.Measure("pull.large", "PullImage, " + o.largeLayers() + " layers x " + o.largeLayerMiB()
                            + " MiB, cold", "s", "Image pull from the local registry"), t.label(), ms / 1000);
                }
            }
            bare.values().forEach(BareRuntime::cleanUp);
            for (Target t : targets) {
                if (t.handler().isEmpty()) { // one start per runtime
                    results.add(new Results.Measure("startup.first", "first start (empty root)", "ms", STARTUP), t.label(),
                            t.runtime().firstStartMillis());
                    results.add(new Results.Measure("startup.recording", "first start after a build or upgrade (records the AOT cache)",
                            "ms", STARTUP), t.label(), t.runtime().recordingStartMillis());
                }
            }
            fresh.forEach((t, s) -> {
                results.add(new Results.Measure("mem.fresh.runtime.rss", "runtime RSS, just started", "MiB", "Memory"), t.label(),
                        mib(s.runtime().rssKb()));
                results.add(new Results.Measure("mem.fresh.runtime.pss", "runtime PSS, just started", "MiB", "Memory"), t.label(),
                        mib(s.runtime().pssKb()));
                results.add(new Results.Measure("mem.fresh.runtime.anon", "runtime anonymous (not file-backed), just started", "MiB",
                        "Memory"), t.label(), mib(s.runtime().anonKb()));
            });
            for (Target t : rotate(targets, o.repeats())) {
                memory(sc, t);
            }
            notes.addAll(sc.errors());
            for (BenchRuntime r : runtimes) {
                Workload.removeAllPods(r.client()).forEach(e -> notes.add(r.name() + ": " + e));
                r.stopAndCleanUp().forEach(e -> notes.add(r.name() + " left behind: " + e));
            }
            HostProcesses.removeCgroups(Workload.CGROUP_ROOT);
            meta.put("duration_seconds", (System.nanoTime() - started) / 1_000_000_000L);
            meta.put("notes", List.copyOf(notes));
            ReportWriter writer = new ReportWriter(results, targets.stream().map(Target::label).toList(),
                    o.containerd() ? CONTAINERD : null, meta);
            String md = writer.markdown();
            if (!notes.isEmpty()) {
                md += "\nNotes (errors, leftovers):\n" + String.join("\n", notes.stream().map(n -> "- " + n).toList()) + "\n";
            }
            Files.createDirectories(o.out());
            Files.writeString(o.out().resolve("bench.md"), md);
            String json = writer.json();
            Files.writeString(o.out().resolve("bench.json"), json);
            return new Report(md, json);
        } finally {
            runtimes.forEach(BenchRuntime::stopAndCleanUp);
            HostProcesses.removeCgroups(Workload.CGROUP_ROOT);
            if (o.workDir() == null) {
                HostProcesses.unmountUnder(work);
                HostProcesses.deleteTree(work);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    private static String latencyGroup(int c) {
        return c == 1 ? "Latency of each call, one at a time (c=1)" : "Latency of each call, " + c + " at a time (c=" + c + ")";
    }

    /** Which OCI runtime a target's containers run on: the bare runtime its Create+Start is compared with. */
    private static String ociRuntimeOf(Target t) {
        return t.handler().isEmpty() ? "runc" : t.handler();
    }

    /**
     * The physical limit, in the same repeat as the CRI calls it bounds: each bare OCI runtime
     * creates, starts, execs in and deletes {@code iterations} containers of the workload's spec (jcri's own
     * config.json of a template pod's container, kept running meanwhile). Each column gets the
     * figures of the OCI runtime under it, and its own CreateContainer + StartContainer and ExecSync
     * minus them.
     */
    private void bareRuntimes(Scenarios sc, JcriRuntime jcri, List<Target> targets, Map<String, BareRuntime> bare,
                              Map<Target, Samples> oneAtATime) {
        String group = "The bare OCI runtime (the physical limit): each column's runtime CLI alone, same bundle, c=1, p50";
        Target template = targets.getFirst();
        String podId = null;
        try {
            podId = sc.startPod(template);
            Path spec = jcri.dir().resolve("state/containers").resolve(containerOf(template, podId)).resolve("config.json");
            Map<String, Samples> byRuntime = new LinkedHashMap<>();
            for (Map.Entry<String, BareRuntime> b : bare.entrySet()) {
                log("  bare " + b.getKey() + ": create, start, exec, delete x " + o.iterations());
                byRuntime.put(b.getKey(), b.getValue().run(o.iterations(), spec, Workload.CGROUP_ROOT + "/bare"));
            }
            for (Target t : targets) {
                Samples b = byRuntime.get(ociRuntimeOf(t));
                for (String op : BareRuntime.OPS) {
                    results.add(new Results.Measure("bare." + op, "bare runtime " + op, "ms", group), t.label(),
                            Stats.percentile(b.get(op), 50));
                }
                double bareCreateStart = Stats.percentile(b.get(BareRuntime.CREATE_START), 50);
                results.add(new Results.Measure("bare.createstart", "bare runtime create + start", "ms", group), t.label(),
                        bareCreateStart);
                Samples own = oneAtATime.get(t);
                if (own != null) {
                    double createStart = Stats.percentile(own.get(Scenarios.CREATE_START), 50);
                    results.add(new Results.Measure("createstart", "CreateContainer + StartContainer", "ms", group), t.label(),
                            createStart);
                    results.add(new Results.Measure("createstart.minus.bare", "CreateContainer + StartContainer minus bare "
                            + "create + start", "ms", group), t.label(), createStart - bareCreateStart);
                    double execSync = Stats.percentile(own.get("ExecSync"), 50);
                    results.add(new Results.Measure("execsync", "ExecSync /bin/true", "ms", group), t.label(), execSync);
                    results.add(new Results.Measure("execsync.minus.bare", "ExecSync minus bare exec", "ms", group), t.label(),
                            execSync - Stats.percentile(b.get("exec"), 50));
                }
            }
        } catch (IOException | RuntimeException e) {
            notes.add("bare runtime row: " + e);
        } finally {
            if (podId != null) {
                sc.removePods(template, List.of(podId), 1);
            }
        }
    }

    /** The one container of a pod the benchmark started. */
    private static String containerOf(Target t, String podId) {
        return t.cri().runtime().listContainers(Api.ListContainersRequest.newBuilder()
                .setFilter(Api.ContainerFilter.newBuilder().setPodSandboxId(podId)).build()).getContainers(0).getId();
    }

    private List<Integer> concurrencies() {
        return o.parallelism() > 1 ? List.of(1, o.parallelism()) : List.of(1);
    }

    /**
     * Memory with 0..max pods (each one sleeping container), and List/Status latency at the largest
     * count; then the pods are removed.
     */
    private void memory(Scenarios sc, Target t) {
        log("memory: " + t + " at " + o.memoryPods() + " pods");
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, MemorySampler.Snapshot> snaps = new LinkedHashMap<>();
        for (int count : o.memoryPods()) {
            int missing = count - ids.size();
            if (missing > 0) {
                Scenarios.parallel(o.parallelism(), missing, i -> {
                    try {
                        ids.add(sc.startPod(t));
                    } catch (RuntimeException e) {
                        notes.add(t + ": memory pods: " + e);
                    }
                });
            }
            Scenarios.sleep(o.settleMillis());
            MemorySampler.Snapshot s = MemorySampler.sample(t.runtime().pid(), t.runtime().helperMarker(), Workload.PROCESS_NAMES);
            snaps.put(count, s);
            String g = "Memory";
            results.add(new Results.Measure("mem." + count + ".runtime.rss", "runtime RSS, " + count + " pods", "MiB", g), t.label(),
                    mib(s.runtime().rssKb()));
            results.add(new Results.Measure("mem." + count + ".runtime.pss", "runtime PSS, " + count + " pods", "MiB", g), t.label(),
                    mib(s.runtime().pssKb()));
            results.add(new Results.Measure("mem." + count + ".total.pss", "total PSS (runtime + helpers), " + count + " pods", "MiB",
                    g), t.label(), mib(s.totalPssKb()));
            results.add(new Results.Measure("mem." + count + ".total.rss", "total RSS (runtime + helpers), " + count + " pods", "MiB",
                    g), t.label(), mib(s.totalRssKb()));
            results.add(new Results.Measure("mem." + count + ".total.anon", "total anonymous (runtime + helpers), " + count + " pods",
                    "MiB", g), t.label(), mib(s.totalAnonKb()));
            results.add(new Results.Measure("mem." + count + ".helpers", "helper processes, " + count + " pods", "count", g),
                    t.label(), s.helpers().size());
            log("  " + count + " pods: runtime PSS " + s.runtime().pssKb() + " KiB, helpers " + s.helperPssByName() + " KiB");
            meta(t, count, s);
            if (count > 0 && o.relistRounds() > 0) {
                relist(sc, t, count);
            }
            if (count == o.memoryPods().getFirst() && count != o.memoryPods().getLast()) {
                startup(t, count);
            }
        }
        int max = o.memoryPods().getLast();
        int min = o.memoryPods().getFirst();
        if (max > min) {
            double perPod = mib(snaps.get(max).totalPssKb() - snaps.get(min).totalPssKb()) / (max - min);
            results.add(new Results.Measure("mem.perpod.pss", "total PSS per added pod", "MiB", "Memory"), t.label(), perPod);
        }
        startup(t, max);
        sc.removePods(t, ids, o.parallelism());
        Scenarios.sleep(o.settleMillis());
        MemorySampler.ProcMem after = MemorySampler.read(t.runtime().pid(), "runtime");
        results.add(new Results.Measure("mem.after.runtime.rss", "runtime RSS, after the workload (its pods removed)", "MiB",
                "Memory"), t.label(), mib(after.rssKb()));
        results.add(new Results.Measure("mem.after.runtime.anon", "runtime anonymous, after the workload (its pods removed)", "MiB",
                "Memory"), t.label(), mib(after.anonKb()));
    }

    private static final String STARTUP = "Start-up: exec of the runtime to its first answered Version";

    /** A restart with {@code pods} pods to recover (they keep running), timed to the first answer. */
    private void startup(Target t, int pods) {
        try {
            double ms = t.runtime().restart();
            results.add(new Results.Measure("startup.restart." + pods, "restart with " + pods + " pods to recover", "ms", STARTUP),
                    t.label(), ms);
        } catch (java.io.IOException | RuntimeException e) {
            notes.add(t + ": restart with " + pods + " pods: " + e);
        }
    }

    /**
     * What kubelet's PLEG and pod workers call, with {@code pods} pods present: the same calls at
     * every count, so a cost that grows with the pod count shows (flat is the goal).
     */
    private void relist(Scenarios sc, Target t, int pods) {
        Samples s = sc.relist(t, o.relistRounds());
        String group = "List/Status with N pods present (what kubelet's PLEG and pod workers call)";
        for (String op : List.of("Relist", "ListPodSandbox", "ListContainers", "PodSandboxStatus", "ContainerStatus",
                "ListContainerStats", "ListPodSandboxStats")) {
            String label = op.equals("Relist") ? "ListPodSandbox + ListContainers" : op;
            List<Double> v = s.get(op);
            if (v.isEmpty()) {
                continue; // not implemented by this runtime
            }
            results.add(new Results.Measure("many." + pods + "." + op + ".p50", label + " p50, " + pods + " pods", "ms", group),
                    t.label(), Stats.percentile(v, 50));
            results.add(new Results.Measure("many." + pods + "." + op + ".p95", label + " p95, " + pods + " pods", "ms", group),
                    t.label(), Stats.percentile(v, 95));
        }
    }

    private final Map<String, Object> helperBreakdown = new LinkedHashMap<>();

    private void meta(Target t, int count, MemorySampler.Snapshot s) {
        helperBreakdown.put(t.label() + " @" + count + " pods", s.helperPssByName());
    }

    private Map<String, Object> meta(List<BenchRuntime> runtimes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs, kernel "
                + HostProcesses.firstLine("uname", "-r") + ", cgroup "
                + (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "v2" : "v1"));
        List<String> versions = new ArrayList<>();
        for (BenchRuntime r : runtimes) {
            versions.add(r.version());
        }
        versions.add(HostProcesses.firstLine("runc", "--version"));
        if (o.crun()) {
            versions.add(HostProcesses.firstLine("crun", "--version"));
        }
        versions.add(HostProcesses.firstLine("conmon", "--version"));
        m.put("versions", String.join(", ", versions));
        m.put("repeats", o.repeats());
        m.put("options", Map.of("parallelism", o.parallelism(), "iterations", o.iterations(), "pods", o.pods(),
                "memory_pods", o.memoryPods(), "relist_rounds", o.relistRounds(), "large_layers", o.largeLayers(),
                "large_layer_mib", o.largeLayerMiB()));
        m.put("helper_pss_kib_by_process", helperBreakdown);
        return m;
    }

    private static void pull(BenchRuntime r, String ref) {
        r.client().images().pullImage(Api.PullImageRequest.newBuilder().setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
    }

    private static <T> List<T> rotate(List<T> list, int by) {
        List<T> copy = new ArrayList<>(list);
        Collections.rotate(copy, -(by % Math.max(1, list.size())));
        return copy;
    }

    private static double mib(long kib) {
        return kib / 1024.0;
    }

    private void log(String message) {
        long s = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        System.err.printf("bench [%3d:%02d] %s%n", s / 60, s % 60, message);
    }
}
