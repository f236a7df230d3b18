package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real plugins from /usr/lib/cni, real namespaces, bridges and iptables; needs root. */
class CniNetworkTest {
    @TempDir
    Path tmp;
    NetFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(NetFixture.isRoot(), "needs root and the CNI plugins in /usr/lib/cni");
        fx = new NetFixture(tmp);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (fx == null) {
            return;
        }
        try {
            fx.assertNothingLeaked();
        } finally {
            fx.close();
        }
    }

    private PodNetworkRequest pod(String id, Path netns) {
        return PodNetworkRequest.of(id, netns, "default", "pod-" + id.substring(0, 6), "uid-" + id.substring(0, 8));
    }

    // ------------------------------------------------------------------ status

    @Test
    void notReadyWithoutConfigAndReloadsWhenAFileAppears() throws IOException {
        CniNetwork net = fx.network();
        NetworkStatus st = net.status();
        assertFalse(st.ready());
        assertEquals("NetworkPluginNotReady", st.reason());
        assertEquals("no network config found in " + fx.confDir, st.message());

        Path conf = fx.writeStandardConf("1.0.0", false);
        assertEquals(NetworkStatus.ok(), net.status(), "the new file is picked up on the next call");
        assertEquals(fx.networkName, net.networkName().orElseThrow());

        Files.delete(conf);
        assertFalse(net.status().ready());
    }

    @Test
    void notReadyWhileAPluginBinaryIsMissing() throws IOException {
        fx.writeConf("10-test.conflist", fx.confList("1.0.0", fx.bridgePlugin(), NetFixture.plugin("jcri-no-such-plugin")));
        CniNetwork net = fx.network();
        NetworkStatus st = net.status();
        assertFalse(st.ready());
        assertEquals("NetworkPluginNotReady", st.reason());
        assertTrue(st.message().contains("'jcri-no-such-plugin'") && st.message().contains("not found"), st.message());

        fx.fakePlugin("jcri-no-such-plugin", "cat"); // installed later: ready without a config change
        assertTrue(net.status().ready(), net.status().message());
    }

    @Test
    void invalidFilesAreSkippedAndASingleConfIsWrapped() throws IOException {
        Files.writeString(fx.confDir.resolve("00-broken.conflist"), "{ not json");
        Files.writeString(fx.confDir.resolve("05-noplugins.conflist"), "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"plugins\":[]}");
        Files.writeString(fx.confDir.resolve("07-ignored.txt"), "{}");
        var single = fx.bridgePlugin().put("cniVersion", "0.4.0").put("name", fx.networkName);
        fx.writeConf("10-single.conf", single);
        CniNetwork net = fx.network();
        assertTrue(net.status().ready(), net.status().message());
        assertEquals(fx.networkName, net.networkName().orElseThrow());

        String id = fx.newContainerId();
        Path ns = fx.newNetns();
        PodNetwork pn = net.setUp(pod(id, ns));
        assertTrue(pn.primaryIp().startsWith(fx.subnetPrefix), pn.toString());
        assertEquals("0.4.0", pn.result().cniVersion());
        net.tearDown(pod(id, ns));
    }

    @Test
    void notReadyWhenAPluginDoesNotSupportTheConfigVersion() throws IOException {
        fx.writeConf("10-test.conflist", fx.confList("9.9.9", fx.bridgePlugin()));
        NetworkStatus st = fx.network().status();
        assertFalse(st.ready());
        assertTrue(st.message().contains("does not support cniVersion 9.9.9"), st.message());
    }

    // ------------------------------------------------------------------ ADD / DEL

    @ParameterizedTest
    @ValueSource(strings = {"0.3.1", "0.4.0", "1.0.0"})
    void twoPodsGetDistinctIpsTalkAndDelFreesEverything(String version) throws IOException {
        fx.writeStandardConf(version, false);
        CniNetwork net = fx.network();
        String idA = fx.newContainerId();
        String idB = fx.newContainerId();
        Path nsA = fx.newNetns();
        Path nsB = fx.newNetns();

        PodNetwork a = net.setUp(pod(idA, nsA));
        PodNetwork b = net.setUp(pod(idB, nsB));

        assertEquals(version, a.result().cniVersion());
        assertTrue(a.primaryIp().startsWith(fx.subnetPrefix), a.primaryIp());
        assertTrue(b.primaryIp().startsWith(fx.subnetPrefix), b.primaryIp());
        assertNotEquals(a.primaryIp(), b.primaryIp());
        assertEquals(List.of(), a.additionalIps());
        assertEquals(fx.networkName, a.networkName());
        assertEquals(2, fx.allocatedIps().size());
        assertEquals(2, fx.vethsOnBridge().size());

        for (Path ns : List.of(nsA, nsB)) {
            String lo = fx.inNs(ns, "ip -o link show lo").stdoutText();
            assertTrue(lo.contains("<LOOPBACK,UP,LOWER_UP>"), "lo is up: " + lo);
            assertTrue(fx.inNs(ns, "ip -o -4 addr show dev eth0").stdoutText().contains(fx.subnetPrefix));
        }
        var ping = fx.inNs(nsA, "/bin/busybox ping -c1 -W2 " + b.primaryIp());
        assertTrue(ping.succeeded(), ping.stdoutText() + ping.stderrText());
        assertTrue(fx.inNs(nsB, "/bin/busybox ping -c1 -W2 " + a.primaryIp()).succeeded());
        assertTrue(fx.inNs(nsA, "/bin/busybox ping -c1 -W2 127.0.0.1").succeeded(), "loopback works");

        if (!version.equals("0.3.1")) {
            net.check(pod(idA, nsA)); // CHECK exists from 0.4.0 on; bridge verifies the interface and IPs
        }
        assertEquals(Set.of(idA, idB), net.attachedContainerIds());

        net.tearDown(pod(idA, nsA));
        assertEquals(1, fx.allocatedIps().size(), "A's IP freed");
        net.tearDown(pod(idB, nsB));
        net.tearDown(pod(idB, nsB)); // idempotent
        net.tearDown(pod(idA, null)); // and without a namespace
        assertEquals(Set.of(), net.attachedContainerIds());
        assertEquals(List.of(), fx.allocatedIps());
    }

    @Test
    void delAfterRestartAndConfigRemovalUsesTheCache() throws IOException {
        Path conf = fx.writeStandardConf("1.0.0", false);
        String id = fx.newContainerId();
        Path ns = fx.newNetns();
        PodNetwork before = fx.network().setUp(pod(id, ns));

        Files.delete(conf);
        CniNetwork restarted = fx.network(); // a new daemon over the same cache dir
        assertFalse(restarted.status().ready());
        assertEquals(before.primaryIp(), restarted.cachedNetwork(id).orElseThrow().primaryIp());
        List<CachedAttachment> cached = restarted.attachments();
        assertEquals(Set.of("eth0", "lo"), Set.copyOf(cached.stream().map(CachedAttachment::ifName).toList()));
        assertTrue(cached.stream().allMatch(c -> c.containerId().equals(id) && c.complete() && ns.equals(c.netns())));

        restarted.tearDown(cached.getFirst().toTeardownRequest());
        assertEquals(List.of(), restarted.attachments());
        assertEquals(List.of(), fx.allocatedIps());
        restarted.tearDown(pod(id, ns)); // no cache, no config: nothing to do, no error
    }

    @Test
    void aRetriedAddReturnsTheSameNetworkAndAPartialOneIsRedone() throws IOException {
        fx.writeStandardConf("1.0.0", false);
        CniNetwork net = fx.network();
        String id = fx.newContainerId();
        Path ns = fx.newNetns();
        PodNetwork first = net.setUp(pod(id, ns));
        PodNetwork again = net.setUp(pod(id, ns));
        assertEquals(first, again);
        assertEquals(1, fx.allocatedIps().size());
        assertTrue(fx.inNs(ns, "/bin/busybox ping -c1 -W2 " + fx.subnetPrefix + "1").succeeded(), "still connected");

        // An ADD that died half-way (say, the daemon crashed after bridge): its entry is incomplete.
        ResultCache cache = new ResultCache(fx.cacheDir);
        ResultCache.Entry e = cache.get(fx.networkName, id, "eth0").orElseThrow();
        cache.put(new ResultCache.Entry(e.kind(), e.containerId(), e.networkName(), e.ifName(), e.netns(), e.podNamespace(),
                e.podName(), e.podUid(), e.config(), e.capabilityArgs(), null, false));
        assertTrue(net.cachedNetwork(id).isEmpty());
        PodNetwork redone = net.setUp(pod(id, ns));
        assertTrue(redone.primaryIp().startsWith(fx.subnetPrefix));
        assertEquals(1, fx.allocatedIps().size(), "the half-done attachment was deleted before the new ADD");
        assertEquals(1, fx.vethsOnBridge().size());
        net.tearDown(pod(id, ns));
    }

    @Test
    void delWorksAfterTheNamespaceIsGone() throws IOException {
        fx.writeStandardConf("1.0.0", false);
        CniNetwork net = fx.network();
        String id = fx.newContainerId();
        Path ns = fx.newNetns();
        net.setUp(pod(id, ns).withPortMappings(List.of(new PortMapping(freePort(), 80, "TCP", ""))));
        NetFixture.sh("ip netns del " + NetFixture.nsName(ns)).requireSuccess(); // the veth pair dies with it
        net.tearDown(pod(id, ns));
        assertEquals(List.of(), fx.allocatedIps());
        assertEquals(List.of(), fx.iptablesLinesFor(id));
    }

    @Test
    void failingPluginSurfacesItsMessageAndTheAddIsRolledBack() throws IOException {
        fx.fakePlugin("jcri-fail", "cat >/dev/null; echo '{\"cniVersion\":\"1.0.0\",\"code\":7,"
                + "\"msg\":\"fake failure for the test\",\"details\":\"more words\"}'; exit 1");
        fx.writeConf("10-test.conflist", fx.confList("1.0.0", fx.bridgePlugin(), NetFixture.plugin("jcri-fail")));
        CniNetwork net = fx.network();
        String id = fx.newContainerId();
        Path ns = fx.newNetns();

        CniException e = assertThrows(CniException.class, () -> net.setUp(pod(id, ns)));
        assertEquals("jcri-fail", e.plugin());
        assertEquals("ADD", e.command());
        assertEquals(7, e.code());
        assertEquals("fake failure for the test", e.msg());
        assertEquals("more words", e.details());
        assertTrue(e.getMessage().contains("fake failure for the test"), e.getMessage());

        assertEquals(List.of(), fx.allocatedIps(), "bridge's IP released by the rollback DEL");
        assertEquals(List.of(), fx.vethsOnBridge());
        assertEquals(List.of(), net.attachments());
        assertFalse(fx.inNs(ns, "ip link show eth0").succeeded(), "no eth0 left in the pod");
    }

    @Test
    void hungPluginTimesOutIsKilledAndTheAddIsRolledBack() throws IOException {
        String marker = "1234." + ThreadLocalRandom.current().nextInt(100, 999);
        fx.fakePlugin("jcri-hang", "cat >/dev/null; /bin/sleep " + marker + " & wait");
        fx.writeConf("10-test.conflist", fx.confList("1.0.0", fx.bridgePlugin(), NetFixture.plugin("jcri-hang")));
        CniNetwork net = new CniNetwork(fx.options(Duration.ofSeconds(2)));
        String id = fx.newContainerId();
        Path ns = fx.newNetns();

        long start = System.nanoTime();
        CniException e = assertThrows(CniException.class, () -> net.setUp(pod(id, ns)));
        assertTrue(e.getMessage().contains("timed out after 2000 ms"), e.getMessage());
        assertEquals("jcri-hang", e.plugin());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15);
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker)),
                "the plugin's child was killed");
        assertEquals(List.of(), fx.allocatedIps());
        assertEquals(List.of(), net.attachments());
    }

    @Test
    void pluginGetsCniArgsEnvironmentRuntimeConfigAndPrevResult() throws IOException {
        Path envFile = tmp.resolve("env");
        Path stdinFile = tmp.resolve("stdin");
        fx.fakePlugin("jcri-dump", "env > " + envFile + "; cat > " + stdinFile + "; echo '{\"cniVersion\":\"1.0.0\"}'",
                "env > " + envFile + "; cat > " + stdinFile);
        fx.writeConf("10-test.conflist", fx.confList("1.0.0", fx.bridgePlugin(),
                NetFixture.plugin("jcri-dump", "portMappings", "dns")));
        CniNetwork net = fx.network();
        String id = fx.newContainerId();
        Path ns = fx.newNetns();
        PodNetworkRequest req = PodNetworkRequest.of(id, ns, "kube-system", "coredns-x", "u-1")
                .withPortMappings(List.of(new PortMapping(8053, 53, "UDP", "127.0.0.1"), new PortMapping(0, 80, "TCP", "")))
                .withAnnotations(Map.of(BandwidthLimits.INGRESS_ANNOTATION, "1M"))
                .withDns(new DnsSettings(List.of("10.96.0.10"), List.of("svc.cluster.local"), List.of("ndots:5")));
        net.setUp(req);

        Map<String, String> env = new java.util.HashMap<>();
        for (String line : Files.readAllLines(envFile)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertEquals("ADD", env.get("CNI_COMMAND"));
        assertEquals(id, env.get("CNI_CONTAINERID"));
        assertEquals(ns.toString(), env.get("CNI_NETNS"));
        assertEquals("eth0", env.get("CNI_IFNAME"));
        assertEquals(fx.fakeBin + ":/usr/lib/cni", env.get("CNI_PATH"));
        assertEquals("IgnoreUnknown=1;K8S_POD_NAMESPACE=kube-system;K8S_POD_NAME=coredns-x;K8S_POD_INFRA_CONTAINER_ID="
                + id + ";K8S_POD_UID=u-1", env.get("CNI_ARGS"));
        assertTrue(env.containsKey("PATH"));

        var stdin = Json.reader().readTree(Files.readAllBytes(stdinFile));
        assertEquals(fx.networkName, stdin.get("name").asText());
        assertEquals("1.0.0", stdin.get("cniVersion").asText());
        assertEquals("[{\"hostPort\":8053,\"containerPort\":53,\"protocol\":\"udp\",\"hostIP\":\"127.0.0.1\"}]",
                stdin.at("/runtimeConfig/portMappings").toString());
        assertEquals("10.96.0.10", stdin.at("/runtimeConfig/dns/servers/0").asText());
        assertTrue(stdin.at("/runtimeConfig/bandwidth").isMissingNode(), "not declared: not passed");
        assertTrue(stdin.at("/prevResult/ips/0/address").asText().startsWith(fx.subnetPrefix), "bridge's result chained");

        Files.delete(envFile);
        net.tearDown(pod(id, ns));
        assertTrue(Files.readString(envFile).contains("CNI_COMMAND=DEL"));
        var delStdin = Json.reader().readTree(Files.readAllBytes(stdinFile));
        assertTrue(delStdin.at("/prevResult/cniVersion").asText().equals("1.0.0"), "DEL gets the cached result");
        assertEquals(8053, delStdin.at("/runtimeConfig/portMappings/0/hostPort").asInt(), "DEL gets the cached args");
    }

    @Test
    void cancelledAddIsVisibleAsIncompleteAndStillRolledBack() throws Exception {
        String marker = "2345." + ThreadLocalRandom.current().nextInt(100, 999);
        fx.fakePlugin("jcri-hang", "cat >/dev/null; /bin/sleep " + marker + " & wait");
        fx.writeConf("10-test.conflist", fx.confList("1.0.0", fx.bridgePlugin(), NetFixture.plugin("jcri-hang")));
        CniNetwork net = new CniNetwork(fx.options(Duration.ofSeconds(60)));
        String id = fx.newContainerId();
        Path ns = fx.newNetns();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Thread rpc = Thread.ofVirtual().start(() -> {
            try {
                net.setUp(pod(id, ns));
            } catch (Throwable t) {
                failure.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        NetFixture.poll(Duration.ofSeconds(10), "the hanging plugin to run",
                () -> ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").contains(marker)));

        // What a restarted daemon would find if this one died now: an attachment whose ADD never completed.
        List<CachedAttachment> seen = fx.network().attachments();
        assertTrue(seen.stream().anyMatch(a -> a.containerId().equals(id) && a.ifName().equals("eth0") && !a.complete()),
                seen.toString());
        assertEquals(1, fx.allocatedIps().size());

        rpc.interrupt();
        rpc.join(Duration.ofSeconds(20));
        assertFalse(rpc.isAlive());
        assertTrue(failure.get() instanceof java.io.InterruptedIOException, String.valueOf(failure.get()));
        assertTrue(stillInterrupted.get(), "the interrupt is handed back to the caller");
        assertEquals(List.of(), fx.allocatedIps(), "rolled back despite the interrupt");
        assertEquals(List.of(), net.attachments());
        assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").contains(marker)));
    }

    @Test
    void delWithAStalePinFileStillFreesTheIp() throws IOException {
        fx.writeStandardConf("1.0.0", false);
        CniNetwork net = fx.network();
        String id = fx.newContainerId();
        Path ns = fx.newNetns();
        net.setUp(pod(id, ns));
        // The pin's mount is gone but the file stays (a half-done cleanup): it is no namespace any more.
        NetFixture.sh("umount " + ns).requireSuccess();
        assertEquals("", CniNetwork.usableNetns(ns.toString()));
        net.tearDown(pod(id, ns));
        assertEquals(List.of(), fx.allocatedIps());
        assertEquals(List.of(), net.attachments());
    }

    @Test
    void cni11StatusDecidesReadiness() throws IOException {
        Path flag = tmp.resolve("plugin-down");
        fx.fakePlugin("jcri-status", "cat", "cat >/dev/null; if [ \"$CNI_COMMAND\" = STATUS ] && [ -e " + flag + " ]; then "
                + "echo '{\"code\":50,\"msg\":\"no IPs left in the pool\"}'; exit 1; fi");
        fx.writeConf("10-test.conflist", fx.confList("1.1.0", NetFixture.plugin("jcri-status")));
        CniNetwork net = fx.network();
        assertTrue(net.status().ready(), net.status().message());
        Files.createFile(flag);
        NetworkStatus st = net.status();
        assertFalse(st.ready());
        assertTrue(st.message().contains("no IPs left in the pool") && st.message().contains("code 50"), st.message());
    }

    // ------------------------------------------------------------------ capabilities

    @Test
    void hostPortReachesTheServerInThePodAndDelRemovesTheRules() throws IOException {
        fx.writeStandardConf("1.0.0", false);
        CniNetwork net = fx.network();
        String id = fx.newContainerId();
        String clientId = fx.newContainerId();
        Path ns = fx.newNetns();
        Path clientNs = fx.newNetns();
        int hostPort = freePort();
        PodNetwork pn = net.setUp(pod(id, ns).withPortMappings(List.of(new PortMapping(hostPort, 8080, "TCP", ""))));
        PodNetwork client = net.setUp(pod(clientId, clientNs));
        assertTrue(fx.iptablesLinesFor(id).stream().anyMatch(l -> l.contains("DNAT")), "DNAT rule for the pod");

        fx.startServer(ns, 8080, "hello-from-pod");
        // Another pod reaches the host port on the node's bridge address (hairpin through portmap's DNAT).
        String gateway = fx.subnetPrefix + "1";
        var r = fx.inNs(clientNs, "/bin/busybox nc -w 3 " + gateway + " " + hostPort + " </dev/null");
        assertEquals("hello-from-pod", r.stdoutText().strip(), r.stderrText());
        // And the node itself, through 127.0.0.1 (portmap's OUTPUT-chain DNAT plus route_localnet on the bridge).
        assertEquals("hello-from-pod", readLine("127.0.0.1", hostPort));
        assertTrue(pn.primaryIp().startsWith(fx.subnetPrefix) && !client.primaryIp().equals(pn.primaryIp()));

        net.tearDown(pod(id, ns));
        net.tearDown(pod(clientId, clientNs));
        assertEquals(List.of(), fx.iptablesLinesFor(id));
    }

    @Test
    void bandwidthAnnotationsBecomeTrafficShaping() throws IOException {
        fx.writeStandardConf("1.0.0", true);
        CniNetwork net = fx.network();
        String id = fx.newContainerId();
        Path ns = fx.newNetns();
        net.setUp(pod(id, ns).withAnnotations(Map.of(BandwidthLimits.INGRESS_ANNOTATION, "10M",
                BandwidthLimits.EGRESS_ANNOTATION, "20M")));
        String veth = fx.vethsOnBridge().getFirst().split(":")[1].strip().split("@")[0];
        String qdisc = NetFixture.sh("tc qdisc show dev " + veth).stdoutText();
        assertTrue(qdisc.contains("tbf") && qdisc.contains("rate 10Mbit"), qdisc);
        String ifb = NetFixture.sh("ip -o link show type ifb").stdoutText();
        assertTrue(ifb.contains("bwp"), "egress shaping device: " + ifb);
        net.tearDown(pod(id, ns));
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void concurrentPodsGetDistinctIps() throws Exception {
        fx.writeStandardConf("1.0.0", false);
        CniNetwork net = fx.network();
        List<PodNetworkRequest> pods = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pods.add(pod(fx.newContainerId(), fx.newNetns()));
        }
        Set<String> ips = new HashSet<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<PodNetwork>> added = new ArrayList<>();
            for (PodNetworkRequest p : pods) {
                added.add(ex.submit(() -> net.setUp(p)));
            }
            // The same pod's DEL races its ADD: the per-pod lock orders them, whichever comes first.
            Future<?> racingDel = ex.submit(() -> {
                net.tearDown(pods.getFirst());
                return null;
            });
            for (Future<PodNetwork> f : added) {
                ips.add(f.get().primaryIp());
            }
            racingDel.get();
        }
        assertEquals(pods.size(), ips.size(), "distinct IPs: " + ips);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> dels = new ArrayList<>();
            for (PodNetworkRequest p : pods) {
                dels.add(ex.submit(() -> {
                    net.tearDown(p);
                    return null;
                }));
            }
            for (Future<?> f : dels) {
                f.get();
            }
        }
        assertEquals(Set.of(), net.attachedContainerIds());
    }

    // ------------------------------------------------------------------ helpers

    private static int freePort() {
        return ThreadLocalRandom.current().nextInt(31000, 32000);
    }

    private static String readLine(String host, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 3000);
            s.setSoTimeout(3000);
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
