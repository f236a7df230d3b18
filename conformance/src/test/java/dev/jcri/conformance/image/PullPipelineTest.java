package dev.jcri.conformance.image;

import static dev.jcri.conformance.image.Images.failure;
import static dev.jcri.conformance.image.Images.files;
import static dev.jcri.conformance.image.Images.list;
import static dev.jcri.conformance.image.Images.pull;
import static dev.jcri.conformance.image.Images.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.FaultProxy;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestLayer;
import dev.jcri.conformance.registry.TestRegistry;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * A pull starts downloading the layers the node lacks as soon as it has the manifest, beside the
 * config's fetch (one round trip to the registry less), on a real daemon through a {@link FaultProxy}:
 * while the config is held back, the layer is already asked for; a pull whose config then fails
 * leaves no download behind; and a layer the node has (pulled before, or before a restart) is not
 * downloaded again, not even early.
 */
class PullPipelineTest {

    private static TestRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "configures its own jcri");
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private JcriProcess daemon() throws IOException {
        Path config = dir.resolve("jcri.toml");
        Files.writeString(config, "[registry]\nstall_timeout_seconds = 5\nmax_attempts = 1\n");
        return JcriProcess.start(dir, List.of("--config", config.toString()));
    }

    private static TestImage image(String label, int seed) {
        return TestImages.busyboxBuilder().label("pipeline", label)
                .layer(TestLayer.builder().randomFile("/data", 256 << 10, seed).build()).build();
    }

    @Test
    void theLayersAreAskedForWhileTheConfigIsHeldBackAndAFailedConfigLeavesNoDownload() throws Exception {
        TestImage image = image("held", 31);
        registry.push("pipeline/held:1", image);
        try (FaultProxy proxy = FaultProxy.start(registry.host()); JcriProcess jcri = daemon();
                CriClient cri = new CriClient(jcri.socket())) {
            proxy.stallBlob(image.id(), 0); // the config: headers, then nothing
            String ref = proxy.host() + "/pipeline/held:1";
            CompletableFuture<Status> pulling = CompletableFuture.supplyAsync(() -> failure(() -> cri.images()
                    .withDeadlineAfter(2, TimeUnit.MINUTES).pullImage(Api.PullImageRequest.newBuilder().setImage(spec(ref)).build())));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (proxy.blobRequests() < 1 + image.layers().size() && !pulling.isDone() && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling the proxy's counter, not a synchronisation
            }
            assertEquals(1 + image.layers().size(), proxy.blobRequests(),
                    "the config and every layer asked for while the config was held back");
            Status s = pulling.get(2, TimeUnit.MINUTES);
            assertEquals(Status.Code.UNAVAILABLE, s.getCode(), "the held config fails the pull: " + s);
            assertTrue(s.getDescription().contains("config"), "names the config: " + s);
            assertEquals(List.of(), files(jcri.root().resolve("images/content/ingest")), "the early downloads are gone");
            assertTrue(list(cri, null).isEmpty(), "no image recorded");

            proxy.stallBlob(null, 0);
            assertEquals(image.id(), pull(cri, ref), "the next pull works");
        }
    }

    @Test
    void aLayerTheNodeHasIsNotDownloadedAgainEvenEarlyNorAfterARestart() throws Exception {
        TestImage first = image("first", 32);
        TestImage second = image("second", 33);
        TestImage third = image("third", 34);
        registry.push("pipeline/first:1", first);
        registry.push("pipeline/second:1", second);
        registry.push("pipeline/third:1", third);
        try (FaultProxy proxy = FaultProxy.start(registry.host())) {
            try (JcriProcess jcri = daemon(); CriClient cri = new CriClient(jcri.socket())) {
                assertEquals(first.id(), pull(cri, proxy.host() + "/pipeline/first:1"));
                int before = proxy.blobRequests();
                assertEquals(second.id(), pull(cri, proxy.host() + "/pipeline/second:1"));
                // busybox's layers are shared: only the config and the new top layer are fetched
                assertEquals(2, proxy.blobRequests() - before, "blobs fetched for an image sharing all but one layer");
            }
            try (JcriProcess jcri = daemon(); CriClient cri = new CriClient(jcri.socket())) {
                int before = proxy.blobRequests();
                assertEquals(third.id(), pull(cri, proxy.host() + "/pipeline/third:1"));
                assertEquals(2, proxy.blobRequests() - before, "the same after a restart (the stored images' layers are known)");
            }
        }
    }
}
