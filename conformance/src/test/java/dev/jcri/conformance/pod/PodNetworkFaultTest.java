package dev.jcri.conformance.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.TestNetwork;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/** CNI failures and crashes in the middle of a pod's network set-up: nothing may leak. */
class PodNetworkFaultTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
    }

    /** A chained plugin that answers VERSION and DEL, and runs {@code onAdd} (shell) for ADD. */
    private Path fakePlugin(String name, String onAdd) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path plugin = bin.resolve(name);
        Files.writeString(plugin, """
                #!/bin/sh
                case "$CNI_COMMAND" in
                VERSION) echo '{"cniVersion":"1.0.0","supportedVersions":["0.3.1","0.4.0","1.0.0"]}' ;;
                ADD) %s ;;
                *) exit 0 ;;
                esac
                """.formatted(onAdd));
        Files.setPosixFilePermissions(plugin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private JcriProcess start(TestNetwork network, Path bin) throws Exception {
        Path config = Files.writeString(dir.resolve("jcri.toml"), network.jcriConfig(bin.toString()));
        return JcriProcess.start(dir, List.of("--config", config.toString()));
    }

    @Test
    void failingPluginFailsTheSandboxAndLeavesNothing() throws Exception {
        Path bin = fakePlugin("jcri-fail",
                "echo '{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"injected failure\"}'; exit 1");
        try (TestNetwork network = TestNetwork.create(dir, "{\"type\": \"jcri-fail\"}");
                JcriProcess jcri = start(network, bin);
                CriClient cri = new CriClient(jcri.socket())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> Pods.run(cri, Pods.config("cnifail", true, Api.NamespaceMode.POD).build()));
            assertTrue(e.getStatus().getDescription().contains("injected failure"), e.getStatus().toString());
            assertEquals(0, cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
            assertEquals(List.of(), HostState.mountsUnder(jcri.state()), "no namespace pins or shm left");
            assertEquals(0, network.allocatedAddresses(), "the address bridge/host-local gave was released");
            try (var records = Files.list(jcri.root().resolve("pods"))) {
                assertTrue(records.findAny().isEmpty(), "no pod record left");
            }
        }
    }

    @Test
    void crashDuringNetworkSetupIsCleanedUpOnRestart() throws Exception {
        Path marker = dir.resolve("add-started");
        Path bin = fakePlugin("jcri-slow", "touch " + marker + "; sleep 60; exit 1");
        try (TestNetwork network = TestNetwork.create(dir, "{\"type\": \"jcri-slow\"}")) {
            JcriProcess first = start(network, bin);
            try (CriClient cri = new CriClient(first.socket())) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Pods.run(cri, Pods.config("crash", true, Api.NamespaceMode.POD).build());
                    } catch (RuntimeException expected) {
                        // the daemon dies under this call
                    }
                });
                Deadline.await("the slow plugin to start (bridge already added)", Duration.ofSeconds(60),
                        () -> Files.exists(marker) ? Boolean.TRUE : null);
                assertEquals(1, network.allocatedAddresses(), "bridge allocated an address before the crash");
                first.kill();
            }
            for (long pid : HostState.processesOf("sleep", dir)) { // the plugin's, never another test's
                ProcessHandle.of(pid).filter(p -> p.info().arguments().map(a -> List.of(a).contains("60")).orElse(false))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
            try (JcriProcess second = start(network, bin);
                    CriClient cri = new CriClient(second.socket())) {
                assertEquals(0, cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
                assertEquals(List.of(), HostState.mountsUnder(second.state()));
                assertEquals(0, network.allocatedAddresses(), "the half-made pod's address was released");
                assertEquals(List.of(), HostState.processesOf("catatonit", dir), "the half-made pod's infra process was killed");
            }
        }
    }
}
