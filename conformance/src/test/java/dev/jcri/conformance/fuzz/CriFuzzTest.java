package dev.jcri.conformance.fuzz;

import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.TestNetwork;
import dev.jcri.conformance.bench.HostProcesses;
import dev.jcri.conformance.fuzz.Verdicts.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import runtime.v1.Api;

/**
 * The CRI fuzz test (issue 12): every case of {@link FuzzCases} and a seeded run of random
 * mutations ({@link Mutator}) against a private jcri, each checked for the right code, a message
 * naming the field, and a host left exactly as it was ({@link HostSnapshot}).
 *
 * <p>Each case is one dynamic test. A case marked known-broken still runs and is reported as
 * skipped with its reason and what it got; once it passes, it fails until the mark is removed (a
 * race marked known-broken is skipped when not lost: one pass proves nothing).
 * The last line of the output: {@code fuzz: N cases, X wrong code, Y accepted bad requests, Z leaks}.
 * Every case's outcome is written to {@code target/fuzz-report.txt}, the daemon's log to
 * {@code target/fuzz-jcri.log}.
 *
 * <p>Properties: {@code jcri.fuzz.seed} (the random part's seed, a number or "random"; printed),
 * {@code jcri.fuzz.random}
 * (how many random cases, default 60), {@code jcri.fuzz.skipKnownBroken=true} (do not even run
 * the known-broken cases).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CriFuzzTest {

    /**
     * The random part's seed unless {@code -Djcri.fuzz.seed} names one (or "random"): fixed, so that
     * CI meets only the failure classes {@link KnownIssues} lists; a by-hand run explores with others.
     */
    private static final long DEFAULT_SEED = 20261130;

    /** How long a difference may take to go (a monitor still exiting) before it is a leak. */
    private static final Duration LEAK_PATIENCE = Duration.ofSeconds(3);

    private Path dir;
    private TestNetwork network;
    private JcriProcess jcri;
    private CriClient cri;
    private FuzzEnv env;
    private long seed;
    private final Verdicts.Tally tally = new Verdicts.Tally();
    private final List<String> report = new ArrayList<>();

    @BeforeAll
    void startDaemon() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "the fuzz test checks jcri's own files, mounts and cgroups");
        dir = Files.createTempDirectory("jcri-fuzz-");
        network = TestNetwork.create(dir);
        Path config = Files.writeString(dir.resolve("jcri.toml"), "cgroup_driver = \"cgroupfs\"\n" + network.jcriConfig());
        jcri = JcriProcess.start(dir, List.of("--config", config.toString()));
        cri = new CriClient(jcri.socket());
        String image = Containers.busybox(cri);

        Path work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve("hostpaths/exists"));
        Files.writeString(work.resolve("afile"), "a file, not a directory\n");
        String cgroupRoot = "/jcri-fuzz-" + ProcessHandle.current().pid();
        HostProcesses.createCgroups(cgroupRoot); // as kubelet makes /kubepods

        Path baseLogs = Files.createDirectories(work.resolve("logs/base"));
        Api.PodSandboxConfig.Builder base = Pods.config("fuzzbase", true, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(baseLogs.toString());
        base.getLinuxBuilder().setCgroupParent(cgroupRoot + "/base");
        String baseId = Pods.run(cri, base.build());
        // One container through its whole life first: what the first container of a pod makes for
        // all the next ones (the state's attach and exits directories, the pod level runc adds in
        // a hybrid host's v2 tree) is then part of every case's "before".
        String warmup = Containers.run(cri, baseId, base.build(), Containers.config("warmup", image, "true").build());
        Containers.awaitExit(cri, warmup, Duration.ofSeconds(30));
        Containers.remove(cri, warmup);
        Files.deleteIfExists(baseLogs.resolve("warmup.log"));
        Set<String> ids = ConcurrentHashMap.newKeySet();
        ids.add(baseId);
        ids.add(warmup);
        env = new FuzzEnv(cri, jcri, network, image, work, cgroupRoot, baseId, base.build(), ids);

        String seedProperty = System.getProperty("jcri.fuzz.seed", Long.toString(DEFAULT_SEED));
        seed = seedProperty.equals("random") ? System.nanoTime() : Long.parseLong(seedProperty);
        System.out.println("fuzz: random seed " + seed + " (rerun with -Djcri.fuzz.seed=" + seed + ")");
    }

    @TestFactory
    @Order(1)
    Stream<DynamicTest> table() {
        return FuzzCases.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c, c.knownBroken())));
    }

    @TestFactory
    @Order(2)
    Stream<DynamicTest> randomMutations() {
        Mutator mutator = new Mutator(seed, env);
        int count = Integer.getInteger("jcri.fuzz.random", 60);
        return IntStream.range(0, count).mapToObj(i -> mutator.next())
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c, null)));
    }

    private void check(FuzzCase c, String knownBroken) throws Exception {
        if (knownBroken != null && Boolean.getBoolean("jcri.fuzz.skipKnownBroken")) {
            abort("known broken, not run: " + knownBroken);
        }
        Verdict v = run(c);
        tally.add(v);
        String reason = knownBroken != null ? knownBroken : v.passed() ? null : KnownIssues.ofRandomCase(c.name());
        report.add((v.passed() ? "PASS  " : reason != null ? "KNOWN " : "FAIL  ") + c.name() + " -> " + v.summary()
                + (reason != null ? "  [" + reason + "]" : ""));
        if (knownBroken != null && v.passed() && c.race()) {
            abort("known broken race, not lost this time (" + knownBroken + ")");
        }
        if (knownBroken != null && v.passed()) {
            throw new AssertionError("passes now: remove knownBroken(\"" + knownBroken + "\") from this case");
        }
        if (!v.passed()) {
            if (reason != null) {
                abort("known broken (" + reason + "): " + v.summary());
            }
            throw new AssertionError(v.summary());
        }
    }

    private Verdict run(FuzzCase c) throws Exception {
        HostSnapshot before = HostSnapshot.take(env);
        Fixture fixture = new Fixture(env);
        FuzzCase.Answer answer = null;
        Throwable setupFailure = null;
        try {
            answer = c.call().run(fixture);
        } catch (Exception | AssertionError e) {
            setupFailure = e;
        }
        List<String> leaks = new ArrayList<>(fixture.cleanup());
        List<String> known = new ArrayList<>();
        leaks.addAll(HostSnapshot.take(env).awaitSameAs(before, env, LEAK_PATIENCE, known));
        if (setupFailure != null) {
            throw new AssertionError("the case's setup failed (not a finding of the case itself); after cleanup: " + leaks,
                    setupFailure);
        }
        return new Verdict(c.expect(), answer.status(), Verdicts.judge(c.expect(), answer.status(), fixture.target),
                leaks, known);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (jcri == null) {
            return;
        }
        try {
            Pods.stopAndRemove(cri, env.basePodId());
            for (Api.PodSandbox pod : cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                report.add("LEFT  pod " + pod.getId() + " " + pod.getMetadata().getName() + " was still listed at the end");
                Pods.stopAndRemove(cri, pod.getId());
            }
        } finally {
            cri.close();
            jcri.close();
            network.close();
            Files.copy(jcri.dir().resolve("jcri.log"), reportFile().resolveSibling("fuzz-jcri.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            List<String> scrubbed = scrub();
            scrubbed.forEach(s -> report.add("SCRUB " + s));
            writeReport();
            System.out.println("fuzz: random seed " + seed);
            System.out.println(tally.details());
            System.out.println(tally);
        }
    }

    /**
     * What the run left that the CRI could not remove (each case already reported its own): the
     * test unmounts, kills and deletes it, so the machine is clean for the next run.
     */
    private List<String> scrub() throws IOException {
        List<String> done = new ArrayList<>();
        HostProcesses.killMarked(dir.toString(), ProcessHandle.current().pid())
                .forEach(p -> done.add("killed " + p.pid() + " " + p.comm()));
        HostProcesses.unmountUnder(dir).forEach(m -> done.add("unmounted " + m));
        if (env != null) {
            Set<String> cgroups = new java.util.TreeSet<>();
            HostSnapshot.cgroups(env, cgroups);
            cgroups.forEach(c -> done.add("removed " + c));
            HostProcesses.removeCgroups(env.cgroupRoot());
        }
        HostProcesses.deleteTree(dir);
        return done;
    }

    private static Path reportFile() throws IOException {
        Path file = Path.of(System.getProperty("jcri.fuzz.report", "target/fuzz-report.txt")).toAbsolutePath();
        Files.createDirectories(file.getParent());
        return file;
    }

    private void writeReport() throws IOException {
        Path file = reportFile();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
            out.println("fuzz: random seed " + seed);
            report.forEach(out::println);
            out.println(tally.details());
            out.println(tally);
        }
        report.stream().filter(l -> !l.startsWith("PASS")).forEach(System.out::println);
    }
}
