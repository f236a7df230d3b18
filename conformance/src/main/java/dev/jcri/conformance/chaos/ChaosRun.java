package dev.jcri.conformance.chaos;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.TestNetwork;
import dev.jcri.conformance.bench.HostProcesses;
import dev.jcri.conformance.chaos.Findings.Kind;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestRegistry;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import runtime.v1.Api;

/**
 * One chaos run (issue 12): a real jcri on a private root, state and socket, the run's own CNI
 * bridge and registry, two churn workers and a remover ({@link Churn}), and SIGKILL of the daemon
 * at random moments — mostly amid the churn, some during its start-up recovery. After each
 * restart the daemon must answer List and Status within 5 s of its launch, and {@link Checker}
 * holds its lists against the answers it gave and against the host. At the end everything is
 * removed through the CRI, the daemon stopped, and the host compared with a snapshot taken
 * before the first kill. Every random choice derives from the seed, which is printed first; the
 * kernel's timing is not, so a seed repeats the plan of a run, not its every interleaving.
 */
public final class ChaosRun {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    /** How long checks may wait for the host to catch up (an exit being recorded, a process dying). */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    private final ChaosOptions options;
    private final PrintStream progress;
    private final Random random;
    private final Findings findings = new Findings();
    private final Ledger ledger = new Ledger();
    private final Calls calls = new Calls();
    private final Gate gate = new Gate();
    private final List<Long> answerMillis = new ArrayList<>();
    private volatile String phase = "before the first kill";
    private int kills;
    private int recoveryKills;

    public ChaosRun(ChaosOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
        this.random = new Random(options.seed());
    }

    public ChaosReport run() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("the chaos run needs root (namespaces, mounts, cgroups)");
        }
        Path work = options.workDir() != null ? Files.createDirectories(options.workDir())
                : Files.createTempDirectory("jcri-chaos-");
        String token = Long.toHexString(System.nanoTime() & 0xffffffL);
        progress.println("chaos: seed " + options.seed() + ", " + options.kills() + " kills, work dir " + work);
        ChaosDaemon daemon = null;
        Site site = null;
        TestNetwork network = null;
        try (TestRegistry registry = TestRegistry.start()) {
            network = TestNetwork.createNamed(work, "chaos-" + token);
            site = new Site(work, work.resolve("jcri"), "/jcri-chaos-" + token, network.bridge(), network.name(),
                    network.subnetPrefix(), network.ipamDir(), options.handler());
            HostProcesses.createCgroups(site.cgroupBase());
            String image = registry.push("chaos/busybox:1", TestImages.busybox()).reference();
            daemon = new ChaosDaemon(site, options.jcriLauncher(), List.of("--config", writeConfig(site, network).toString()));
            daemon.launch();
            long firstStart = daemon.awaitServing(START_TIMEOUT);
            daemon.client().images().pullImage(Api.PullImageRequest.newBuilder()
                    .setImage(Api.ImageSpec.newBuilder().setImage(image)).build());
            HostProbe probe = new HostProbe(site);
            HostFacts before = probe.read(daemon.pid());
            calls.serving(daemon.client());
            Churn churn = new Churn(ledger, calls, gate, findings, site, image, options, () -> phase);
            churn.start();
            boolean restarted = churnAndKill(daemon, probe, firstStart);
            churn.stop();
            phase = "at the end";
            if (restarted) {
                removeEverything(daemon.client());
                int status = daemon.terminate();
                if (status != 0) {
                    findings.add(Kind.WRONG, "exit status", "jcri exited with " + status + " on SIGTERM", phase);
                }
            }
            compareWithBefore(probe, before);
        } finally {
            cleanUp(daemon, site, network, work);
        }
        return report();
    }

    private static Path writeConfig(Site site, TestNetwork network) throws IOException {
        Files.createDirectories(site.jcriDir());
        return Files.writeString(site.jcriDir().resolve("jcri.toml"), "cgroup_driver = \"cgroupfs\"\n"
                + network.jcriConfig());
    }

    // ---------------------------------------------------------------- the kills

    /** Churn, kill, restart, check; until the kills are done. False if the daemon would not start again. */
    private boolean churnAndKill(ChaosDaemon daemon, HostProbe probe, long startMillis) throws Exception {
        long recoveryWindow = Math.max(300, startMillis * 6 / 5);
        while (kills < options.kills()) {
            phase = "during the churn before kill " + (kills + 1);
            gate.open();
            pause(options.minChurnMillis() + random.nextLong(options.maxChurnMillis() - options.minChurnMillis() + 1));
            gate.close();
            List<String> cut = gate.inFlight();
            calls.killing();
            daemon.kill();
            kills++;
            gate.drain();
            progress.println("kill " + kills + "/" + options.kills() + " amid the churn; in flight: " + cut);
            while (kills < options.kills() && random.nextInt(100) < options.recoveryKillPercent()) {
                daemon.launch();
                long at = random.nextLong(recoveryWindow);
                pause(at);
                daemon.kill();
                kills++;
                recoveryKills++;
                progress.println("kill " + kills + "/" + options.kills() + " during start-up, " + at + " ms after launch");
            }
            phase = "after kill " + kills;
            daemon.launch();
            long serving;
            try {
                serving = daemon.awaitServing(START_TIMEOUT);
            } catch (IllegalStateException | AssertionError e) {
                findings.add(Kind.WRONG, "no restart", "jcri did not start again after kill " + kills + ": " + e.getMessage(), phase);
                progress.println("jcri did not start again: " + e.getMessage());
                return false;
            }
            calls.serving(daemon.client());
            check(daemon, probe, serving);
        }
        return true;
    }

    /**
     * The checks of one restart, repeated (for at most {@link #SETTLE}) while anything is wrong,
     * as an exit or a dying process may take a moment to show everywhere; what is still wrong
     * then is found.
     */
    private void check(ChaosDaemon daemon, HostProbe probe, long servingMillis) {
        long sinceLaunch = daemon.millisSinceLaunch();
        CriView view = CriView.read(daemon.client());
        long answered = sinceLaunch + view.listMillis();
        answerMillis.add(answered);
        // how soon is a figure (the benchmark's business), a finding only past an explicit --answer-limit-ms
        boolean tooLate = options.answerLimitMillis() > 0 && answered > options.answerLimitMillis();
        if (view.listMillis() < 0 || tooLate) {
            findings.add(Kind.WRONG, "slow restart", "List and Status answered " + answered + " ms after the daemon's launch"
                    + (view.listMillis() < 0 ? " (not at all)" : "") + " (limit " + options.answerLimitMillis()
                    + " ms; load average then " + loadAverage() + ")", phase);
        }
        long deadline = System.nanoTime() + SETTLE.toNanos();
        List<Checker.Issue> issues;
        while (true) {
            issues = Checker.check(ledger, view, probe.read(daemon.pid()));
            if (issues.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            pause(200);
            view = CriView.read(daemon.client());
        }
        int added = 0;
        for (Checker.Issue i : issues) {
            if (findings.add(i.kind(), i.key(), i.detail(), phase)) {
                added++;
                progress.println("  " + i.kind() + ": " + i.detail());
            }
        }
        ledger.resolve(view);
        long ready = view.pods().stream().filter(p -> p.state() == Api.PodSandboxState.SANDBOX_READY).count();
        progress.println("  restarted: serving " + servingMillis + " ms, List/Status answered " + answered + " ms after launch; " + view.pods().size() + " pods ("
                + ready + " ready), " + view.containers().size() + " containers; " + issues.size() + " problems, " + added + " new");
    }

    // ---------------------------------------------------------------- the end

    /**
     * Removes every container and pod through the CRI, as kubelet would; what resists is a
     * finding. A second round retries what failed if the first made progress. A pod whose
     * container resisted is not tried (its stop would stall on the same container).
     */
    private void removeEverything(CriClient cri) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (int round = 1; round <= 2; round++) {
            failures.clear();
            int removed = 0;
            try {
                Set<String> stuckPods = new HashSet<>();
                for (Api.Container c : cri.runtime().listContainers(Api.ListContainersRequest.getDefaultInstance()).getContainersList()) {
                    try {
                        cri.runtime().removeContainer(Api.RemoveContainerRequest.newBuilder().setContainerId(c.getId()).build());
                        removed++;
                    } catch (StatusRuntimeException e) {
                        failures.put("container " + c.getMetadata().getName(), "RemoveContainer " + e.getStatus());
                        stuckPods.add(c.getPodSandboxId());
                    }
                }
                for (Api.PodSandbox p : cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                    if (stuckPods.contains(p.getId())) {
                        failures.put("pod " + p.getMetadata().getName(), "not tried: a container of it could not be removed");
                        continue;
                    }
                    try {
                        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
                        cri.runtime().removePodSandbox(Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
                        removed++;
                    } catch (StatusRuntimeException e) {
                        failures.put("pod " + p.getMetadata().getName(), "Stop/RemovePodSandbox " + e.getStatus());
                    }
                }
            } catch (StatusRuntimeException e) {
                failures.put("lists", "List failed: " + e.getStatus());
            }
            if (failures.isEmpty() || removed == 0) {
                break;
            }
        }
        failures.forEach((what, error) -> findings.add(Kind.WRONG, "cannot remove " + what,
                what + " cannot be removed through the CRI: " + error, phase));
    }

    /** With everything removed and the daemon stopped, anything of the run on the host that was not there before leaked. */
    private void compareWithBefore(HostProbe probe, HostFacts before) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, String> leaked;
        while (true) {
            leaked = leftSince(before, probe.read(-1));
            if (leaked.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            pause(200);
        }
        leaked.forEach((key, detail) -> findings.add(Kind.LEAKED, key, detail, phase));
    }

    /** What {@code after} holds that {@code before} did not: key → description. */
    static Map<String, String> leftSince(HostFacts before, HostFacts after) {
        Map<String, String> left = new LinkedHashMap<>(after.items());
        left.keySet().removeAll(before.items().keySet());
        for (String file : newFiles(before.files(), after.files())) {
            String key = file.endsWith("/") ? file.substring(0, file.length() - 1) : file;
            left.put(key, "left under the daemon's directory: " + file);
        }
        return left;
    }

    /**
     * Paths in {@code after} but not in {@code before}, each leaked thing once: a new object
     * directory (named by an ID) stands for everything in it; a new directory with a plain name
     * is the daemon's skeleton, made on first use, and only what is in it counts.
     */
    static List<String> newFiles(Set<String> before, Set<String> after) {
        List<String> reported = new ArrayList<>();
        for (String p : after) { // sorted: a directory ("a/") comes before what is in it
            if (before.contains(p) || reported.stream().anyMatch(r -> r.endsWith("/") && p.startsWith(r))) {
                continue;
            }
            String name = Path.of(p).getFileName().toString();
            if (p.endsWith("/") && !name.matches("[0-9a-f]{12,}|\\d+")) {
                continue;
            }
            reported.add(p);
        }
        return reported;
    }

    /** Leaves the host as it was, whatever the daemon left: kills, unmounts, removes cgroups, rules and files. */
    private void cleanUp(ChaosDaemon daemon, Site site, TestNetwork network, Path work) throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (site != null) {
            HostProbe probe = new HostProbe(site);
            probe.processes(-1).forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly));
            try {
                Deadline.await("the run's processes to die", Duration.ofSeconds(10),
                        () -> probe.processes(-1).stream().allMatch(HostProcess::zombie) ? Boolean.TRUE : null);
            } catch (AssertionError e) {
                progress.println("chaos: cleanup: " + e.getMessage() + ": " + probe.processes(-1));
            }
            HostProcesses.unmountUnder(work);
            HostProcesses.removeCgroups(site.cgroupBase());
            IptablesCleanup.remove(probe.iptables());
        }
        if (network != null) {
            network.close();
        }
        if (!options.keep() && options.workDir() == null) {
            HostProcesses.deleteTree(work);
        }
    }

    // ---------------------------------------------------------------- the report

    private ChaosReport report() {
        StringBuilder t = new StringBuilder();
        t.append("chaos: seed ").append(options.seed()).append(", ").append(kills).append(" kills (").append(recoveryKills)
                .append(" during start-up recovery), handler ").append(options.handler()).append('\n');
        t.append("chaos: churn calls: ").append(calls.summary()).append('\n');
        if (!answerMillis.isEmpty()) {
            List<Long> sorted = answerMillis.stream().sorted().toList();
            t.append("chaos: List/Status answered after a restart, from the launch: median ")
                    .append(sorted.get(sorted.size() / 2)).append(" ms, max ").append(sorted.getLast()).append(" ms")
                    .append(options.answerLimitMillis() > 0 ? " (limit " + options.answerLimitMillis() + " ms)" : "")
                    .append("; load average at the end ").append(loadAverage())
                    .append(" on ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs\n");
        }
        Map<String, Integer> errors = calls.errors();
        if (!errors.isEmpty()) {
            t.append("chaos: failed churn calls (by call, code and message; not counted below):\n");
            errors.forEach((error, n) -> t.append("  ").append(n).append(" x ").append(error).append('\n'));
        }
        t.append("chaos: findings by kind:\n");
        for (Kind kind : Kind.values()) {
            findings.digest(kind).forEach((shape, n) -> t.append("  ").append(kind).append(' ').append(n).append(" x ")
                    .append(shape).append('\n'));
        }
        for (Kind kind : Kind.values()) {
            List<Findings.Finding> found = findings.of(kind);
            t.append(kind).append(" (").append(found.size()).append(")").append(found.isEmpty() ? "\n" : ":\n");
            for (Findings.Finding f : found) {
                t.append("  - [").append(f.when()).append("] ").append(f.detail()).append('\n');
            }
        }
        int leaked = findings.count(Kind.LEAKED);
        int lost = findings.count(Kind.LOST);
        int wrong = findings.count(Kind.WRONG);
        t.append(ChaosReport.lastLine(kills, leaked, lost, wrong)).append('\n');
        return new ChaosReport(options.seed(), kills, leaked, lost, wrong, t.toString());
    }

    /** The 1, 5 and 15 minute load averages: restart times mean little on a machine busy with other work. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The chaos itself: how long the churn runs before a kill. Never used to wait for anything. */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
