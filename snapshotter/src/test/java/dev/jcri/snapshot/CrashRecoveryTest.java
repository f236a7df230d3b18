package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** kill -9 in the middle of applying a layer, then start again: no trace of the half layer. */
class CrashRecoveryTest extends SnapshotterTestBase {

    @Test
    void killDuringExtractionLeavesNoHalfSnapshot() throws Exception {
        apply("sha256:base", null, TestLayer.pax().file("base", "b"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                EndlessLayerExtraction.class.getName(), root.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            // Blocks until the child announces progress (or dies: then readLine returns null).
            while ((line = out.readLine()) != null && !line.equals(EndlessLayerExtraction.READY)) {
                // other output: keep reading
            }
            assertEquals(EndlessLayerExtraction.READY, line, "child never started extracting");
            List<Path> staged = listing(root.resolve("staging"));
            assertEquals(1, staged.size(), "the layer is being assembled in staging");
            assertTrue(listing(staged.getFirst().resolve("fs")).size() > 1, "files are being written");

            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, child.exitValue());
        } finally {
            child.destroyForcibly();
        }

        OverlaySnapshotter restarted = OverlaySnapshotter.open(root, false);
        assertFalse(restarted.hasLayer("sha256:endless"));
        assertTrue(restarted.hasLayer("sha256:base"));
        assertEquals(List.of(), listing(root.resolve("staging")), "half-applied layer removed");
        assertEquals(1, listing(root.resolve("snapshots")).size());
        restarted.applyLayer("sha256:after", "sha256:base", TestLayer.pax().file("f", "ok").stream());
        assertTrue(restarted.hasLayer("sha256:after"));
    }
}
