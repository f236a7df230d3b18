package dev.jcri.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.stream.SpdyClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * Exec, Attach and PortForward end to end: the RPC hands out a URL, a SPDY client written for the
 * tests ({@link SpdyClient}) speaks Kubernetes' protocols to it, and the effects are checked inside
 * the container (ps) and the pod (a server listening there).
 */
@ExtendWith(SharedRuntime.class)
class StreamingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> V4 = List.of("v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io");

    @TempDir
    Path logs;

    CriClient cri;
    String image;
    Api.PodSandboxConfig pod;
    String podId;

    @BeforeEach
    void createPod(CriClient cri) throws Exception {
        this.cri = cri;
        this.image = Containers.busybox(cri);
        this.pod = Containers.pod("streaming", true, Api.NamespaceMode.CONTAINER, logs);
        this.podId = Pods.run(cri, pod);
    }

    @AfterEach
    void removePod() {
        Pods.stopAndRemove(cri, podId);
    }

    private String sleeper() {
        return Containers.run(cri, podId, pod, Containers.config("sleeper", image, "sleep", "3600").build());
    }

    private String execUrl(String id, boolean tty, boolean stdin, boolean stderr, String... cmd) {
        return cri.runtime().exec(Api.ExecRequest.newBuilder().setContainerId(id).addAllCmd(List.of(cmd))
                .setTty(tty).setStdin(stdin).setStdout(true).setStderr(stderr).build()).getUrl();
    }

    @Test
    void execWithoutTerminalCarriesStdinOutputAndTheExitCode() throws Exception {
        String id = sleeper();
        String url = execUrl(id, false, true, true, "sh", "-c", "read x; echo out:$x; echo err >&2; exit 3");
        try (SpdyClient spdy = SpdyClient.connect(url, V4)) {
            assertEquals("v4.channel.k8s.io", spdy.protocol());
            var error = spdy.open("error");
            var stdin = spdy.open("stdin");
            var stdout = spdy.open("stdout");
            var stderr = spdy.open("stderr");
            stdin.write("hello\n");
            stdin.finish();
            assertEquals("out:hello\n", new String(stdout.readAll(WAIT), StandardCharsets.UTF_8));
            assertEquals("err\n", new String(stderr.readAll(WAIT), StandardCharsets.UTF_8));
            String status = new String(error.readAll(WAIT), StandardCharsets.UTF_8);
            assertTrue(status.contains("\"NonZeroExitCode\"") && status.contains("\"message\":\"3\""), status);
            assertTrue(spdy.awaitClosed(WAIT), "the server closes the connection after the status");
        }
    }

    @Test
    void execOnATerminalAppliesResizes() throws Exception {
        String id = sleeper();
        String url = execUrl(id, true, true, false, "sh", "-c", "stty size; read x; stty size");
        try (SpdyClient spdy = SpdyClient.connect(url, V4)) {
            var error = spdy.open("error");
            var stdin = spdy.open("stdin");
            var stdout = spdy.open("stdout");
            var resize = spdy.open("resize");
            resize.write("{\"Width\":100,\"Height\":40}");
            stdout.readUntil("40 100", WAIT);
            resize.write("{\"Width\":120,\"Height\":50}");
            // the resize reaches the terminal before the line that lets the command go on
            Deadline.await("the second size to be applied", WAIT, () -> sizeOfExecTerminal(id).equals("50 120") ? true : null);
            stdin.write("\n");
            stdout.readUntil("50 120", WAIT);
            String status = new String(error.readAll(WAIT), StandardCharsets.UTF_8);
            assertTrue(status.contains("\"Success\""), status);
        }
    }

    /** The size of the terminal of the exec'd shell, read from inside the container (its stty on the same terminal). */
    private String sizeOfExecTerminal(String id) {
        var r = Containers.exec(cri, id, 10, "sh", "-c",
                "for p in /proc/[0-9]*; do t=$(readlink $p/fd/0); case $t in /dev/pts/*) stty size < $t; exit;; esac; done");
        return r.getStdout().toStringUtf8().strip();
    }

    @Test
    void attachCarriesStdinToTheMainProcessAndDetachingKeepsItRunning() throws Exception {
        String id = Containers.run(cri, podId, pod, Containers.config("echo", image, "sh", "-c",
                "while read line; do echo echo:$line; done").setStdin(true).build());
        String url = cri.runtime().attach(Api.AttachRequest.newBuilder().setContainerId(id).setStdin(true).setStdout(true)
                .setStderr(true).build()).getUrl();
        try (SpdyClient spdy = SpdyClient.connect(url, V4)) {
            spdy.open("error");
            var stdin = spdy.open("stdin");
            var stdout = spdy.open("stdout");
            spdy.open("stderr");
            stdin.write("ping\n");
            stdout.readUntil("echo:ping", WAIT);
        }
        assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, id).getState());
        // a second attach works too: the first left nothing behind in conmon
        String again = cri.runtime().attach(Api.AttachRequest.newBuilder().setContainerId(id).setStdin(true).setStdout(true)
                .build()).getUrl();
        try (SpdyClient spdy = SpdyClient.connect(again, V4)) {
            spdy.open("error");
            var stdin = spdy.open("stdin");
            var stdout = spdy.open("stdout");
            stdin.write("pong\n");
            stdout.readUntil("echo:pong", WAIT);
        }
    }

    @Test
    void anAttachedClientThatStopsReadingNeverStallsTheContainerAndIsDropped() throws Exception {
        String id = Containers.run(cri, podId, pod, Containers.config("chatty", image, "sh", "-c",
                "while [ ! -e /tmp/go ]; do sleep 0.1; done; head -c 33554432 /dev/zero; echo; echo all-written; exec sleep 600")
                .build());
        Path log = Path.of(Containers.status(cri, id).getLogPath());
        String url = cri.runtime().attach(Api.AttachRequest.newBuilder().setContainerId(id).setStdout(true).build()).getUrl();
        try (SpdyClient spdy = SpdyClient.connect(url, V4)) {
            spdy.open("error");
            spdy.open("stdout");
            spdy.pauseReading();
            Containers.exec(cri, id, 10, "touch", "/tmp/go");
            // 32 MiB is far more than the socket buffers and jcri's per-attach allowance hold
            Deadline.await("the container's whole output in its log while the attached client reads nothing",
                    Duration.ofSeconds(60), () -> tail(log).contains("all-written") ? Boolean.TRUE : null);
            spdy.resumeReading();
            assertTrue(spdy.awaitClosed(WAIT), "jcri dropped the client that fell behind");
        }
        assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, id).getState());
    }

    /** The last few KiB of a (large) log file. */
    private static String tail(Path file) {
        try (var f = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long from = Math.max(0, f.length() - 4096);
            byte[] b = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(b);
            return new String(b, java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void portForwardReachesServersInThePodAndReportsAPortNoOneListensOn() throws Exception {
        Containers.run(cri, podId, pod, Containers.config("servers", image, "sh", "-c",
                "(while true; do echo one | nc -l -p 8080; done) & while true; do echo two | nc -l -p 8081; done").build());
        String url = cri.runtime().portForward(Api.PortForwardRequest.newBuilder().setPodSandboxId(podId)
                .addPort(8080).addPort(8081).addPort(8082).build()).getUrl();
        try (SpdyClient spdy = SpdyClient.connect(url, List.of("portforward.k8s.io"))) {
            // the servers may need a moment to listen: retry the first forward until it answers
            String one = Deadline.await("the server on 8080", WAIT, () -> {
                try {
                    return forward(spdy, 8080, "r1-" + System.nanoTime());
                } catch (Exception e) {
                    return null;
                }
            });
            assertEquals("one\n", one);
            // a port no one listens on: its error stream says so, the connection goes on
            var error = spdy.open("error", "port", "8082", "requestid", "bad");
            var data = spdy.open("data", "port", "8082", "requestid", "bad");
            String message = new String(error.readAll(WAIT), StandardCharsets.UTF_8);
            assertTrue(message.contains("8082"), message);
            data.readAll(WAIT);
            // two forwards at once on the same connection
            var e1 = spdy.open("error", "port", "8080", "requestid", "c1");
            var d1 = spdy.open("data", "port", "8080", "requestid", "c1");
            var e2 = spdy.open("error", "port", "8081", "requestid", "c2");
            var d2 = spdy.open("data", "port", "8081", "requestid", "c2");
            assertEquals("two\n", new String(d2.readAll(WAIT), StandardCharsets.UTF_8));
            assertEquals("one\n", new String(d1.readAll(WAIT), StandardCharsets.UTF_8));
            assertEquals("", new String(e1.readAll(WAIT), StandardCharsets.UTF_8));
            assertEquals("", new String(e2.readAll(WAIT), StandardCharsets.UTF_8));
        }
    }

    @Test
    void portForwardOverWebSocketPrefixesEachChannelWithItsPortAndCarriesTheData() throws Exception {
        Containers.run(cri, podId, pod, Containers.config("ws-server", image, "sh", "-c",
                "while true; do echo hello-ws | nc -l -p 8090; done").build());
        byte[] port = {(byte) 0x9a, 0x1f}; // 8090, little-endian, first on both channels of the port
        // the server may need a moment to listen: retry until a forward gets no error
        byte[] data = Deadline.await("the server on 8090 through a WebSocket forward", WAIT, () -> {
            try {
                String url = cri.runtime().portForward(Api.PortForwardRequest.newBuilder().setPodSandboxId(podId)
                        .addPort(8090).build()).getUrl();
                try (var ws = dev.jcri.conformance.stream.WebSocketChannels.connect(url, List.of("v4.channel.k8s.io"))) {
                    ws.awaitClose(0, WAIT);
                    return java.util.Arrays.equals(port, ws.bytes(1)) ? ws.bytes(0) : null;
                }
            } catch (Exception e) {
                return null;
            }
        });
        assertEquals(List.of(port[0], port[1]), List.of(data[0], data[1]), "the data channel starts with the port");
        assertEquals("hello-ws\n", new String(data, 2, data.length - 2, StandardCharsets.UTF_8));
    }

    /** One forwarded connection: what the server sends until it closes; null when the port refused. */
    private static String forward(SpdyClient spdy, int port, String requestId) throws Exception {
        var error = spdy.open("error", "port", Integer.toString(port), "requestid", requestId);
        var data = spdy.open("data", "port", Integer.toString(port), "requestid", requestId);
        String out = new String(data.readAll(WAIT), StandardCharsets.UTF_8);
        String err = new String(error.readAll(WAIT), StandardCharsets.UTF_8);
        return err.isEmpty() ? out : null;
    }

    @Test
    void execOverWebSocketV5CarriesStdinTheCloseSignalAndTheExitCode() throws Exception {
        String id = sleeper();
        String url = execUrl(id, false, true, true, "sh", "-c", "cat; echo err >&2; exit 4");
        try (var ws = dev.jcri.conformance.stream.WebSocketChannels.connect(url,
                List.of("v5.channel.k8s.io", "v4.channel.k8s.io"))) {
            assertEquals("v5.channel.k8s.io", ws.protocol());
            ws.send(0, "over websocket\n".getBytes(StandardCharsets.UTF_8));
            ws.send(255, new byte[] {0}); // v5: the client closed stdin
            String status = ws.awaitClose(3, WAIT);
            assertEquals("over websocket\n", ws.text(1));
            assertEquals("err\n", ws.text(2));
            assertTrue(status.contains("\"NonZeroExitCode\"") && status.contains("\"message\":\"4\""), status);
        }
    }

    @Test
    void aTokenIsSingleUseAndUnknownOnesGet404() throws Exception {
        String id = sleeper();
        String url = execUrl(id, false, false, false, "true");
        try (SpdyClient spdy = SpdyClient.connect(url, V4)) {
            spdy.open("error");
            spdy.open("stdout");
            assertTrue(spdy.awaitClosed(WAIT));
        }
        var reused = assertThrows(SpdyClient.UpgradeRefused.class, () -> SpdyClient.connect(url, V4));
        assertEquals(404, reused.status);
        String forged = url.substring(0, url.lastIndexOf('/') + 1) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assertEquals(404, assertThrows(SpdyClient.UpgradeRefused.class, () -> SpdyClient.connect(forged, V4)).status);
        String wrongKind = url.replace("/exec/", "/attach/");
        assertEquals(404, assertThrows(SpdyClient.UpgradeRefused.class, () -> SpdyClient.connect(wrongKind, V4)).status);
    }

    @Test
    void aClientThatGoesAwayLeavesNoProcessInTheContainer() throws Exception {
        String id = sleeper();
        String url = execUrl(id, false, true, true, "sh", "-c", "echo started; sleep 777 & sleep 778");
        try (SpdyClient spdy = SpdyClient.connect(url, V4)) {
            spdy.open("error");
            spdy.open("stdin");
            var stdout = spdy.open("stdout");
            spdy.open("stderr");
            stdout.readUntil("started", WAIT);
            assertTrue(ps(id).contains("sleep 778"));
        }
        Deadline.await("the exec'd processes to be killed", WAIT, () -> {
            String ps = ps(id);
            return (ps.contains("sleep 777") || ps.contains("sleep 778")) ? null : true;
        });
    }

    @Test
    void aTerminalClientThatGoesAwayLeavesNoProcessInTheContainer() throws Exception {
        String id = sleeper();
        String url = execUrl(id, true, true, false, "sh", "-c", "echo started; sleep 779");
        try (SpdyClient spdy = SpdyClient.connect(url, V4)) {
            spdy.open("error");
            spdy.open("stdin");
            var stdout = spdy.open("stdout");
            spdy.open("resize").write("{\"Width\":80,\"Height\":24}");
            stdout.readUntil("started", WAIT);
        }
        Deadline.await("the exec'd process to be killed", WAIT, () -> ps(id).contains("sleep 779") ? null : true);
    }

    private String ps(String id) {
        return Containers.exec(cri, id, 10, "ps", "-o", "args").getStdout().toStringUtf8();
    }

    @Test
    void aMalformedFrameClosesTheConnectionAndKillsNothingElse() throws Exception {
        String id = sleeper();
        String url = execUrl(id, false, false, true, "sleep", "780");
        try (SpdyClient spdy = SpdyClient.connect(url, V4)) {
            // a control frame of an unknown version with a length past the end
            spdy.writeRaw(new byte[] {(byte) 0x80, 0x09, 0x00, 0x01, 0x00, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
            assertTrue(spdy.awaitClosed(WAIT), "the server closes a connection whose framing is broken");
        }
        try (SpdyClient spdy = SpdyClient.connect(execUrl(id, false, false, true, "sleep", "781"), V4)) {
            spdy.open("error");
            spdy.open("stdout");
            // data on a stream the client never opened
            spdy.writeRaw(new byte[] {0, 0, 0, 41, 0, 0, 0, 1, 'x'});
            assertTrue(spdy.awaitClosed(WAIT));
        }
        Deadline.await("no exec left", WAIT, () -> ps(id).contains("sleep 78") ? null : true);
        assertEquals("jcri", cri.runtime().version(Api.VersionRequest.getDefaultInstance()).getRuntimeName());
    }

    /**
     * 50 execs at once through the streaming server, then the daemon's threads return to their
     * idle count (measured: printed for the README), and no exec'd process is left.
     */
    @Test
    void fiftyConcurrentExecsAndBackToIdle(JcriProcess jcri) throws Exception {
        String id = sleeper();
        long pid = jcri.process().pid();
        execUrl(id, false, false, true, "true"); // warm-up: server threads that exist from the first use on
        int idle = threads(pid);
        int sessions = 50;
        java.util.concurrent.CountDownLatch allRunning = new java.util.concurrent.CountDownLatch(sessions);
        java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Thread> clients = new java.util.ArrayList<>();
        java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        long started = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
            int n = i;
            clients.add(Thread.ofVirtual().start(() -> {
                try (SpdyClient spdy = SpdyClient.connect(execUrl(id, false, true, true, "sh", "-c", "echo up; read x; echo $x"), V4)) {
                    var error = spdy.open("error");
                    var stdin = spdy.open("stdin");
                    var stdout = spdy.open("stdout");
                    spdy.open("stderr");
                    stdout.readUntil("up", Duration.ofMinutes(2));
                    allRunning.countDown();
                    allRunning.await();
                    peak.accumulateAndGet(threads(pid), Math::max);
                    stdin.write("session-" + n + "\n");
                    stdout.readUntil("session-" + n, Duration.ofSeconds(60));
                    assertTrue(new String(error.readAll(Duration.ofSeconds(60)), StandardCharsets.UTF_8).contains("Success"));
                } catch (Throwable e) {
                    failures.add(e);
                    allRunning.countDown();
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(failures.isEmpty(), () -> failures.size() + " sessions failed, first: " + failures.peek());
        int after = Deadline.await("the daemon's threads back to idle", Duration.ofSeconds(60), () -> {
            int t = threads(pid);
            return t <= idle + 2 ? t : null;
        });
        System.out.printf("streaming: %d concurrent execs in %d ms; daemon threads idle %d, peak %d, after %d%n",
                sessions, millis, idle, peak.get(), after);
        Deadline.await("no exec left", WAIT, () -> ps(id).contains("read x") ? null : true);
    }

    private static int threads(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).strip());
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no thread count for " + pid);
    }

    @Test
    void requestsAreValidatedBeforeAUrlIsGiven() throws Exception {
        String id = sleeper();
        assertCode(Status.Code.NOT_FOUND, () -> execUrl("0123456789abcdef", false, false, true, "true"));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> cri.runtime().exec(Api.ExecRequest.newBuilder().setContainerId(id)
                .addCmd("true").build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> execUrl(id, false, false, true));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> cri.runtime().attach(Api.AttachRequest.newBuilder().setContainerId(id)
                .setStdin(true).setStdout(true).build()));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> cri.runtime().portForward(Api.PortForwardRequest.newBuilder()
                .setPodSandboxId(podId).addPort(70000).build()));
        assertCode(Status.Code.NOT_FOUND, () -> cri.runtime().portForward(Api.PortForwardRequest.newBuilder()
                .setPodSandboxId("0123456789abcdef").addPort(80).build()));
        Containers.stop(cri, id, 0);
        assertCode(Status.Code.FAILED_PRECONDITION, () -> execUrl(id, false, false, true, "true"));
    }

    private static void assertCode(Status.Code code, org.junit.jupiter.api.function.Executable call) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.getMessage());
    }
}
