package dev.jcri.conformance.image;

import static dev.jcri.conformance.image.Images.failure;
import static dev.jcri.conformance.image.Images.list;
import static dev.jcri.conformance.image.Images.pull;
import static dev.jcri.conformance.image.Images.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.FaultProxy;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestLayer;
import dev.jcri.conformance.registry.TestRegistry;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registries that fail: dropped connections, corrupted blobs, a daemon killed mid-pull. */
@ExtendWith(SharedRuntime.class)
class ImageFaultTest {

    private static TestRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    private static TestImage bigImage(String label, int seed) {
        return TestImages.busyboxBuilder().label("fault", label)
                .layer(TestLayer.builder().randomFile("/big", 2 << 20, seed).build()).build();
    }

    @Test
    void aConnectionCutMidBlobIsResumed(CriClient cri) throws Exception {
        TestImage image = bigImage("cut-once", 1);
        registry.push("fault/cut:1", image);
        try (FaultProxy proxy = FaultProxy.start(registry.host())) {
            proxy.cutBlobs(2, 300_000);
            assertEquals(image.id(), pull(cri, proxy.host() + "/fault/cut:1"));
            assertTrue(proxy.blobRequests() >= 3, "retried after the cuts: " + proxy.blobRequests());
        }
    }

    @Test
    void aRegistryThatKeepsDyingFailsCleanly(CriClient cri) throws Exception {
        TestImage image = bigImage("cut-always", 2);
        registry.push("fault/dead:1", image);
        try (FaultProxy proxy = FaultProxy.start(registry.host())) {
            proxy.cutBlobs(1000, 100_000);
            String ref = proxy.host() + "/fault/dead:1";
            Status s = failure(() -> pull(cri, ref));
            assertEquals(Status.Code.UNAVAILABLE, s.getCode());
            assertTrue(s.getDescription().contains("fault/dead"), s.getDescription());
            assertFalse(status(cri, ref, false).hasImage());
            assertFalse(status(cri, image.id(), false).hasImage());
        }
    }

    @Test
    void aBlobWithTheWrongDigestIsDiscarded(CriClient cri) throws Exception {
        TestImage image = bigImage("corrupt", 3);
        registry.push("fault/corrupt:1", image);
        try (FaultProxy proxy = FaultProxy.start(registry.host())) {
            proxy.corruptBlobs(true);
            String ref = proxy.host() + "/fault/corrupt:1";
            Status s = failure(() -> pull(cri, ref));
            assertEquals(Status.Code.DATA_LOSS, s.getCode());
            assertTrue(s.getDescription().contains("digest"), s.getDescription());
            assertFalse(status(cri, ref, false).hasImage());
            proxy.corruptBlobs(false);
            assertEquals(image.id(), pull(cri, ref), "a later pull through a healthy path works");
        }
    }

    @Test
    void killedMidPullThenRestartedTheStoreIsConsistent() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "kills its own jcri");
        TestImage image = TestImages.busyboxBuilder().label("fault", "kill")
                .layer(TestLayer.builder().randomFile("/a", 3 << 20, 11).build())
                .layer(TestLayer.builder().randomFile("/b", 3 << 20, 12).build()).build();
        registry.push("fault/kill:1", image);
        Path dir = Files.createTempDirectory("jcri-kill-");
        try (FaultProxy proxy = FaultProxy.start(registry.host())) {
            proxy.throttleBlobs(1 << 20);
            String ref = proxy.host() + "/fault/kill:1";
            Path ingest = dir.resolve("root/images/content/ingest");
            try (JcriProcess jcri = JcriProcess.start(dir, List.of()); CriClient cri = new CriClient(jcri.socket())) {
                CompletableFuture<Void> pulling = CompletableFuture.runAsync(() -> {
                    try {
                        pull(cri, ref);
                    } catch (RuntimeException expected) {
                        // the daemon dies under it
                    }
                });
                Deadline.await("a layer download in progress", Duration.ofSeconds(60), () -> sizeOf(ingest) > 500_000 ? true : null);
                jcri.kill();
                pulling.join();
            }
            proxy.throttleBlobs(0);
            try (JcriProcess jcri = JcriProcess.start(dir, List.of()); CriClient cri = new CriClient(jcri.socket())) {
                assertTrue(list(cri, null).isEmpty(), "no half-pulled image is visible");
                assertEquals(0, count(ingest), "temp downloads removed at start");
                assertEquals(image.id(), pull(cri, ref));
                assertEquals(image.id(), status(cri, ref, false).getImage().getId());
            }
            try (JcriProcess jcri = JcriProcess.start(dir, List.of()); CriClient cri = new CriClient(jcri.socket())) {
                assertEquals(image.id(), status(cri, ref, false).getImage().getId(), "the image survives a restart");
            }
        } finally {
            deleteQuietly(dir);
        }
    }

    @Test
    void layersAppliedByAPullACrashCutAreReleasedAtTheNextStart() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "kills its own jcri");
        TestImage image = TestImages.busyboxBuilder().label("fault", "orphans")
                .layer(TestLayer.builder().randomFile("/a", 64 << 10, 21).build())
                .layer(TestLayer.builder().randomFile("/b", 3 << 20, 22).build()).build();
        registry.push("fault/orphans:1", image);
        Path dir = Files.createTempDirectory("jcri-orphans-");
        try (FaultProxy proxy = FaultProxy.start(registry.host())) {
            proxy.stallBlob(image.layers().getLast().digest(), 1 << 20);
            String ref = proxy.host() + "/fault/orphans:1";
            Path layers = dir.resolve("root/snapshots/snapshots");
            int applied = image.layers().size() - 1;
            try (JcriProcess jcri = JcriProcess.start(dir, List.of()); CriClient cri = new CriClient(jcri.socket())) {
                CompletableFuture<Void> pulling = CompletableFuture.runAsync(() -> {
                    try {
                        pull(cri, ref);
                    } catch (RuntimeException expected) {
                        // the daemon dies under it
                    }
                });
                Deadline.await("every layer but the stalled last one applied", Duration.ofSeconds(60),
                        () -> (proxy.stalledRequests() > 0 && countQuietly(layers) == applied) ? true : null);
                jcri.kill();
                pulling.join();
            }
            proxy.stallBlob(null, 0);
            try (JcriProcess jcri = JcriProcess.start(dir, List.of()); CriClient cri = new CriClient(jcri.socket())) {
                assertTrue(list(cri, null).isEmpty(), "no half-pulled image is visible");
                assertEquals(0, count(layers), "the layers no image names were released at start");
                assertTrue(jcri.logText().contains("layers no image uses"), "and the log says so");
                assertEquals(image.id(), pull(cri, ref), "the image pulls whole afterwards");
                assertEquals(image.layers().size(), count(layers));
            }
        } finally {
            deleteQuietly(dir);
        }
    }

    private static long countQuietly(Path dir) {
        try {
            return count(dir);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static long count(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    static void deleteQuietly(Path dir) {
        try {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        } catch (Exception ignored) {
            // temp dir
        }
    }
}
