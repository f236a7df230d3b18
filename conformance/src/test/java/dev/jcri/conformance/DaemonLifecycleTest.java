package dev.jcri.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/** jcri's own process: configuration errors, the socket's life cycle, signals, metrics. */
class DaemonLifecycleTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
    }

    private int runToExit(JcriProcess jcri) throws InterruptedException {
        assertTrue(jcri.process().waitFor(60, TimeUnit.SECONDS), "jcri should have exited:\n" + jcri.logText());
        return jcri.process().exitValue();
    }

    @Test
    void unknownConfigKeyStopsTheStartNamingKeyAndLine() throws Exception {
        Path config = dir.resolve("jcri.toml");
        Files.writeString(config, "log_level = \"info\"\n\n[metrics]\nadress = \"127.0.0.1:1\"\n");
        JcriProcess jcri = JcriProcess.launch(dir, List.of("--config", config.toString()));
        assertEquals(2, runToExit(jcri));
        String log = jcri.logText();
        assertTrue(log.contains("unknown key 'metrics.adress'") && log.contains("line 4"), log);
        assertFalse(Files.exists(jcri.socket()));
    }

    @Test
    void invalidConfigValueStopsTheStartNamingTheExpectation() throws Exception {
        Path config = dir.resolve("jcri.toml");
        Files.writeString(config, "cgroup_driver = \"cgroupv3\"\n");
        JcriProcess jcri = JcriProcess.launch(dir, List.of("--config", config.toString()));
        assertEquals(2, runToExit(jcri));
        String log = jcri.logText();
        assertTrue(log.contains("invalid value for 'cgroup_driver'") && log.contains("line 1")
                && log.contains("one of: auto, cgroupfs, systemd"), log);
    }

    @Test
    void malformedTomlIsReportedWithItsLine() throws Exception {
        Path config = dir.resolve("jcri.toml");
        Files.writeString(config, "socket = \"/run/x.sock\"\nroot = \n");
        JcriProcess jcri = JcriProcess.launch(dir, List.of("--config", config.toString()));
        assertEquals(2, runToExit(jcri));
        assertTrue(jcri.logText().contains("not valid TOML") && jcri.logText().contains("line 2"), jcri.logText());
    }

    @Test
    void missingExplicitConfigFileIsAnError() throws Exception {
        JcriProcess jcri = JcriProcess.launch(dir, List.of("--config", dir.resolve("absent.toml").toString()));
        assertEquals(2, runToExit(jcri));
        assertTrue(jcri.logText().contains("absent.toml does not exist"), jcri.logText());
    }

    @Test
    void configFileValuesApply() throws Exception {
        Path config = dir.resolve("jcri.toml");
        Files.writeString(config, "cgroup_driver = \"systemd\"\n[grpc]\nshutdown_grace_seconds = 3\n");
        try (JcriProcess jcri = JcriProcess.start(dir, List.of("--config", config.toString()));
                CriClient cri = new CriClient(jcri.socket())) {
            assertEquals(Api.CgroupDriver.SYSTEMD, cri.runtime().runtimeConfig(Api.RuntimeConfigRequest.getDefaultInstance())
                    .getLinux().getCgroupDriver());
        }
    }

    @Test
    void socketAndItsDirectoryHaveTightPermissions() throws Exception {
        Path socket = dir.resolve("run").resolve("jcri.sock");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // like /run
        try (JcriProcess _ = JcriProcess.start(dir, List.of("--socket", socket.toString()));
                CriClient cri = new CriClient(socket)) {
            cri.runtime().version(Api.VersionRequest.getDefaultInstance());
            assertEquals("rw-rw----", mode(socket));
            assertEquals("rw-------", mode(dir.resolve("run").resolve("jcri.sock.lock")));
            assertEquals("rwx--x--x", mode(socket.getParent()), "a socket directory jcri makes");
            assertEquals("rwxr-xr-x", mode(dir), "a directory jcri did not make is not changed");
            try (var entries = Files.list(socket.getParent())) {
                assertEquals(List.of("jcri.sock", "jcri.sock.lock"),
                        entries.map(p -> p.getFileName().toString()).sorted().toList(), "no bind directory left");
            }
        }
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void secondInstanceOnTheSameSocketRefusesAndTheFirstKeepsServing() throws Exception {
        try (JcriProcess first = JcriProcess.start(dir, List.of());
                CriClient cri = new CriClient(first.socket())) {
            JcriProcess second = JcriProcess.launch(dir.resolve("second"),
                    List.of("--socket", first.socket().toString()));
            assertEquals(1, runToExit(second));
            assertTrue(second.logText().contains("another jcri is serving " + first.socket()), second.logText());
            assertTrue(Files.exists(first.socket()));
            assertEquals("jcri", cri.runtime().version(Api.VersionRequest.getDefaultInstance()).getRuntimeName());
        }
    }

    @Test
    void staleSocketFromACrashedRunIsReplaced() throws Exception {
        Path socket = dir.resolve("jcri.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "closing a bound UNIX socket leaves its file, like a crash");
        try (JcriProcess jcri = JcriProcess.start(dir, List.of());
                CriClient cri = new CriClient(jcri.socket())) {
            assertEquals("jcri", cri.runtime().version(Api.VersionRequest.getDefaultInstance()).getRuntimeName());
        }
    }

    @Test
    void killDashNineThenRestartServesAgain() throws Exception {
        JcriProcess crashed = JcriProcess.start(dir, List.of());
        crashed.kill();
        assertTrue(Files.exists(crashed.socket()), "a crash leaves the socket file behind");
        try (JcriProcess jcri = JcriProcess.start(dir, List.of());
                CriClient cri = new CriClient(jcri.socket())) {
            assertEquals("jcri", cri.runtime().version(Api.VersionRequest.getDefaultInstance()).getRuntimeName());
        }
    }

    @Test
    void sigtermRemovesTheSocketAndExitsZero() throws Exception {
        JcriProcess jcri = JcriProcess.start(dir, List.of());
        try (CriClient cri = new CriClient(jcri.socket())) {
            cri.runtime().version(Api.VersionRequest.getDefaultInstance());
        }
        assertEquals(0, jcri.terminate(Duration.ofSeconds(30)), jcri.logText());
        assertFalse(Files.exists(jcri.socket()));
    }

    @Test
    void metricsEndpointShowsPerMethodTimers() throws Exception {
        try (JcriProcess jcri = JcriProcess.start(dir, List.of());
                CriClient cri = new CriClient(jcri.socket())) {
            for (int i = 0; i < 3; i++) {
                cri.runtime().version(Api.VersionRequest.getDefaultInstance());
            }
            try {
                cri.runtime().runPodSandbox(Api.RunPodSandboxRequest.getDefaultInstance());
            } catch (io.grpc.StatusRuntimeException expected) {
                // any status is recorded
            }
            String address = Deadline.await("metrics address in the log", Duration.ofSeconds(10),
                    () -> jcri.metricsAddress().orElse(null));
            String body = scrape(address);
            assertTrue(body.matches("(?s).*jcri_cri_requests_seconds_count\\{code=\"OK\",method=\"Version\"} 3(\\.0)?\n.*"), body);
            assertTrue(body.contains("jcri_cri_requests_seconds_bucket{code=\"OK\",method=\"Version\",le="), body);
            assertTrue(body.contains("method=\"RunPodSandbox\""), body);
        }
    }

    private static String scrape(String address) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        }
    }
}
