package dev.jcri.conformance.image;

import static dev.jcri.conformance.image.Images.pull;
import static dev.jcri.conformance.image.Images.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A mirror configured for docker.io serves short names like "busybox", as critest's mirror mode needs. */
class ImageMirrorTest {

    @Test
    void shortNamesComeFromTheDockerHubMirror() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "configures its own jcri");
        Path dir = Files.createTempDirectory("jcri-mirror-");
        try (TestRegistry registry = TestRegistry.start()) {
            PushedImage busybox = registry.push("library/busybox:latest", TestImages.busybox());
            Path config = dir.resolve("jcri.toml");
            Files.writeString(config, """
                    [registry]
                    stall_timeout_seconds = 30

                    [registry.mirrors."docker.io"]
                    endpoints = ["http://127.0.0.1:1", "http://%s"]
                    """.formatted(registry.host()));
            try (JcriProcess jcri = JcriProcess.start(dir, List.of("--config", config.toString()));
                    CriClient cri = new CriClient(jcri.socket())) {
                assertEquals(busybox.imageId(), pull(cri, "busybox"));
                var image = status(cri, "docker.io/library/busybox:latest", false).getImage();
                assertEquals(List.of("docker.io/library/busybox:latest"), image.getRepoTagsList());
                assertEquals(busybox.imageId(), status(cri, "busybox", false).getImage().getId());
            }
        } finally {
            ImageFaultTest.deleteQuietly(dir);
        }
    }
}
