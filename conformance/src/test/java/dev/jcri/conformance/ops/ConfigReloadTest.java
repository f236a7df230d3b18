package dev.jcri.conformance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestRegistry;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * Drop-ins ({@code jcri.d/*.toml} beside the config file) and SIGHUP, on a real daemon: a good
 * drop-in's live keys take effect without a restart (a pull through a mirror that did not exist
 * before, debug logging), the others are reported as needing a restart; a bad one changes nothing.
 */
class ConfigReloadTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
    }

    private Path config() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(etc.resolve("jcri.d"));
        Path config = etc.resolve("jcri.toml");
        Files.writeString(config, "log_level = \"info\"\n[registry]\nmax_attempts = 1\n");
        return config;
    }

    private static void hangUp(JcriProcess jcri) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(jcri.process().pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0);
    }

    private static void awaitLog(JcriProcess jcri, String text) {
        Deadline.await("'" + text + "' in jcri's log", Duration.ofSeconds(30),
                () -> jcri.logText().contains(text) ? Boolean.TRUE : null);
    }

    private static Api.PullImageResponse pull(CriClient cri, String ref) {
        return cri.images().pullImage(Api.PullImageRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
    }

    @Test
    void aGoodDropInIsAppliedOnSighupAndWhatNeedsARestartIsNamed() throws Exception {
        Path config = config();
        try (TestRegistry registry = TestRegistry.start()) {
            PushedImage image = registry.push("reload/busybox:1", TestImages.busybox());
            String viaMirror = "mirror.invalid/reload/busybox:1";
            try (JcriProcess jcri = JcriProcess.start(dir, List.of("--config", config.toString()));
                    CriClient cri = new CriClient(jcri.socket())) {
                awaitLog(jcri, "configuration: " + config); // logged just after the ready line the start waits for
                assertThrows(StatusRuntimeException.class, () -> pull(cri, viaMirror), "no mirror yet: the host does not exist");

                Files.writeString(config.resolveSibling("jcri.d/50-mirror.toml"), """
                        log_level = "debug"
                        [grpc]
                        max_message_bytes = 8388608
                        [registry.mirrors."mirror.invalid"]
                        endpoints = ["http://127.0.0.1:%d"]
                        """.formatted(registry.port()));
                hangUp(jcri);
                awaitLog(jcri, "applied log_level, registry.mirrors; needs a restart to change: grpc.max_message_bytes");
                assertTrue(jcri.logText().contains("drop-ins [50-mirror.toml]"), jcri.logText());

                assertEquals(image.imageId(), pull(cri, viaMirror).getImageRef(), "the reloaded mirror serves the pull");
                cri.runtime().version(Api.VersionRequest.getDefaultInstance());
                awaitLog(jcri, "Version -> OK"); // debug logs every call: the level was applied
            }
        }
    }

    @Test
    void aBadDropInKeepsTheRunningConfigurationAndSaysWhy() throws Exception {
        Path config = config();
        try (JcriProcess jcri = JcriProcess.start(dir, List.of("--config", config.toString()));
                CriClient cri = new CriClient(jcri.socket())) {
            Files.writeString(config.resolveSibling("jcri.d/10-good.toml"), "log_level = \"debug\"\n");
            Files.writeString(config.resolveSibling("jcri.d/20-bad.toml"), "log_level = \"debug\"\n[runtime]\nhandlerz = {}\n");
            hangUp(jcri);
            awaitLog(jcri, "reload: the new configuration is not used, the running one stays: unknown key 'runtime.handlerz' in "
                    + config.resolveSibling("jcri.d/20-bad.toml") + " line 3");
            cri.runtime().version(Api.VersionRequest.getDefaultInstance());
            String log = jcri.logText();
            assertFalse(log.contains("DEBUG"), "the good drop-in before the bad one must not be half-applied:\n" + log);

            Files.delete(config.resolveSibling("jcri.d/20-bad.toml"));
            hangUp(jcri);
            awaitLog(jcri, "applied log_level");
        }
    }

    @Test
    void configDumpPrintsTheMergedConfiguration() throws Exception {
        Path config = config();
        Files.writeString(config.resolveSibling("jcri.d/10-handler.toml"), "[runtime.handlers]\nkata = \"kata-runtime\"\n");
        Files.writeString(config.resolveSibling("jcri.d/20-level.toml"), "log_level = \"warn\"\n");
        Files.writeString(config.resolveSibling("jcri.d/.30-editor-swap.toml"), "log_level = \"trace\"\n");
        List<String> command = new ArrayList<>(JcriProcess.javaLauncher(List.of()));
        command.addAll(List.of("config", "dump", "--config", config.toString(), "--log-level", "error"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("handlers = { runc = \"runc\", crun = \"crun\", kata = \"kata-runtime\" }"), out);
        assertTrue(out.contains("log_level = \"error\""), "the flag wins over the drop-ins:\n" + out);
        assertTrue(out.contains("max_attempts = 1"), out);
        assertTrue(out.contains("drop-ins [10-handler.toml, 20-level.toml]"), out);
    }
}
