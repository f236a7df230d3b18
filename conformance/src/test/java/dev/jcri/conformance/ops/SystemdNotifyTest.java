package dev.jcri.conformance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.linux.UnixDatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * systemd's {@code Type=notify} protocol, with this test in systemd's place: it binds the
 * datagram socket, starts the real daemon with {@code NOTIFY_SOCKET} (and a watchdog) pointing at
 * it, and reads what jcri says. READY=1 must mean "the CRI socket answers now"; the watchdog must
 * be fed repeatedly; a reload and a stop are announced. And the variables are the daemon's alone:
 * a container started under them must start (runc, seeing NOTIFY_SOCKET, would otherwise wait for
 * the container's own READY=1) and must not see them.
 */
class SystemdNotifyTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
    }

    /** The datagrams received until one contains {@code wanted} (inclusive), within {@code timeout}. */
    private static List<String> receiveUntil(UnixDatagramSocket socket, String wanted, Duration timeout) throws Exception {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            int n = socket.receive(buf, Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (n < 0) {
                break;
            }
            String message = new String(buf, 0, n, StandardCharsets.UTF_8);
            got.add(message);
            if (message.lines().anyMatch(wanted::equals)) {
                return got;
            }
        }
        throw new AssertionError("no " + wanted + " within " + timeout + "; received " + got);
    }

    @Test
    void readyOnlyOnceTheSocketAnswersThenTheWatchdogIsFedAndReloadAndStopAreAnnounced() throws Exception {
        String notify = dir.resolve("notify").toString();
        try (UnixDatagramSocket systemd = UnixDatagramSocket.bind(notify)) {
            JcriProcess jcri = JcriProcess.launch(dir.resolve("jcri"), JcriProcess.javaLauncher(List.of()), List.of(),
                    Map.of("NOTIFY_SOCKET", notify, "WATCHDOG_USEC", "600000"));
            try (jcri) {
                List<String> start = receiveUntil(systemd, "READY=1", Duration.ofMinutes(2));
                // at READY=1 the socket must answer at once: no retry, no wait
                try (CriClient cri = new CriClient(jcri.socket())) {
                    assertEquals("jcri", cri.runtime().version(Api.VersionRequest.getDefaultInstance()).getRuntimeName());
                }
                assertTrue(start.getFirst().contains("STATUS=starting"), start.toString());
                assertTrue(start.stream().anyMatch(m -> m.contains("STATUS=recovering 0 pods")), start.toString());
                assertTrue(start.getLast().contains("STATUS=ready"), start.toString());
                assertTrue(start.getLast().contains("MAINPID=" + jcri.process().pid()), start.toString());

                // WATCHDOG_USEC=0.6 s: a health-checked ping every 0.3 s; several in a row
                for (int i = 0; i < 3; i++) {
                    receiveUntil(systemd, "WATCHDOG=1", Duration.ofSeconds(10));
                }

                Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(jcri.process().pid())).start();
                assertTrue(hup.waitFor(10, TimeUnit.SECONDS) && hup.exitValue() == 0);
                List<String> reload = receiveUntil(systemd, "RELOADING=1", Duration.ofSeconds(30));
                assertTrue(reload.getLast().contains("MONOTONIC_USEC="), reload.toString());
                receiveUntil(systemd, "READY=1", Duration.ofSeconds(30));

                jcri.process().destroy();
                receiveUntil(systemd, "STOPPING=1", Duration.ofSeconds(30));
                assertEquals(0, jcri.terminate(Duration.ofSeconds(30)));
            }
        }
    }

    @Test
    void aContainerStartsUnderANotifyingDaemonAndDoesNotInheritItsVariables() throws Exception {
        String notify = dir.resolve("notify").toString();
        try (UnixDatagramSocket systemd = UnixDatagramSocket.bind(notify);
                JcriProcess jcri = JcriProcess.launch(dir.resolve("jcri"), JcriProcess.javaLauncher(List.of()), List.of(),
                        Map.of("NOTIFY_SOCKET", notify, "WATCHDOG_USEC", "5000000"))) {
            receiveUntil(systemd, "READY=1", Duration.ofMinutes(2));
            try (CriClient cri = new CriClient(jcri.socket())) {
                String image = Containers.busybox(cri);
                Api.PodSandboxConfig pod = Containers.pod("notify", false, Api.NamespaceMode.POD, dir.resolve("logs"));
                String podId = Pods.run(cri, pod);
                try {
                    long started = System.nanoTime();
                    String id = Containers.run(cri, podId, pod, Containers.config("sleeper", image, "sleep", "300").build());
                    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20),
                            "StartContainer must not wait for the container to notify anybody");
                    assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, id).getState());
                    Api.ExecSyncResponse env = Containers.exec(cri, id, 10, "env");
                    assertEquals(0, env.getExitCode());
                    String seen = env.getStdout().toStringUtf8();
                    assertFalse(seen.contains("NOTIFY_SOCKET") || seen.contains("WATCHDOG_"), seen);
                    // conmon (which outlives jcri) must not carry them either
                    long conmon = ProcessHandle.of(jcri.process().pid()).orElseThrow().descendants()
                            .filter(p -> p.info().command().orElse("").endsWith("conmon")).findFirst()
                            .map(ProcessHandle::pid).orElse(-1L);
                    if (conmon < 0) {
                        conmon = ProcessHandle.allProcesses()
                                .filter(p -> p.info().command().orElse("").endsWith("conmon"))
                                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(id)).orElse(false))
                                .findFirst().map(ProcessHandle::pid).orElse(-1L);
                    }
                    assertTrue(conmon > 0, "conmon of " + id + " not found");
                    String conmonEnv = new String(java.nio.file.Files.readAllBytes(Path.of("/proc/" + conmon + "/environ")),
                            StandardCharsets.UTF_8);
                    assertFalse(conmonEnv.contains("NOTIFY_SOCKET="), "conmon inherited NOTIFY_SOCKET");
                    assertNotNull(id);
                } finally {
                    Pods.stopAndRemove(cri, podId);
                }
            }
        }
    }
}
