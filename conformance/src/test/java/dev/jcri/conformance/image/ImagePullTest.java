package dev.jcri.conformance.image;

import static dev.jcri.conformance.image.Images.failure;
import static dev.jcri.conformance.image.Images.list;
import static dev.jcri.conformance.image.Images.pull;
import static dev.jcri.conformance.image.Images.remove;
import static dev.jcri.conformance.image.Images.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Json;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.FaultProxy;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestIndex;
import dev.jcri.conformance.registry.TestLayer;
import dev.jcri.conformance.registry.TestRegistry;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import runtime.v1.Api;

/** PullImage, ImageStatus, ListImages, RemoveImage and ImageFsInfo against a real registry on 127.0.0.1. */
@ExtendWith(SharedRuntime.class)
class ImagePullTest {

    private static TestRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void pullsASingleLayerImageAndReportsIt(CriClient cri) throws Exception {
        PushedImage busybox = registry.push("pull/busybox:1", TestImages.busybox());
        assertEquals(busybox.imageId(), pull(cri, busybox.reference()));
        Api.Image image = status(cri, busybox.reference(), false).getImage();
        assertEquals(busybox.imageId(), image.getId());
        // the runtime is shared: other tests may have pulled the same content under their own names
        assertTrue(image.getRepoTagsList().contains(busybox.reference()), image.getRepoTagsList()::toString);
        assertTrue(image.getRepoDigestsList().contains(busybox.digestReference()), image.getRepoDigestsList()::toString);
        assertEquals(TestImages.busybox().size(), image.getSize());
        assertEquals(0, image.getUid().getValue(), "no USER: root");
        // by ID, short ID and digest too
        assertEquals(busybox.imageId(), status(cri, busybox.imageId(), false).getImage().getId());
        assertEquals(busybox.imageId(), status(cri, busybox.imageId().substring(7, 19), false).getImage().getId());
        assertEquals(busybox.imageId(), status(cri, busybox.digestReference(), false).getImage().getId());
        assertTrue(list(cri, null).stream().anyMatch(i -> i.getId().equals(busybox.imageId())));
        assertEquals(1, list(cri, busybox.reference()).size());
    }

    @Test
    void verboseStatusCarriesTheImageConfig(CriClient cri) throws Exception {
        TestImage image = TestImages.busyboxBuilder().env("GREETING=hi").entrypoint("/bin/sh", "-c").cmd("echo hi")
                .workingDir("/tmp").volume("/data").stopSignal("SIGUSR1").label("app", "x").build();
        PushedImage pushed = registry.push("pull/config:1", image);
        pull(cri, pushed.reference());
        Api.ImageStatusResponse r = status(cri, pushed.reference(), true);
        JsonNode info = Json.MAPPER.readTree(r.getInfoOrThrow("info"));
        JsonNode config = info.path("imageSpec").path("config");
        assertEquals("SIGUSR1", config.path("StopSignal").asText());
        assertEquals("/tmp", config.path("WorkingDir").asText());
        assertTrue(config.path("Volumes").has("/data"));
        assertTrue(config.path("Env").toString().contains("GREETING=hi"));
        assertTrue(status(cri, pushed.reference(), false).getInfoMap().isEmpty());
    }

    @Test
    void userIsReportedAsUidOrName(CriClient cri) throws Exception {
        PushedImage numeric = registry.push("pull/user:uid", TestImages.busyboxBuilder().user("1000:1000").build());
        PushedImage named = registry.push("pull/user:name", TestImages.busyboxBuilder().user("tester").build());
        pull(cri, numeric.reference());
        pull(cri, named.reference());
        Api.Image a = status(cri, numeric.reference(), false).getImage();
        assertTrue(a.hasUid());
        assertEquals(1000, a.getUid().getValue());
        Api.Image b = status(cri, named.reference(), false).getImage();
        assertFalse(b.hasUid());
        assertEquals("tester", b.getUsername());
    }

    @Test
    void multiLayerImageWithWhiteoutsAndEveryCompression(CriClient cri) throws Exception {
        TestImage image = TestImages.busyboxBuilder()
                .layer(TestLayer.builder().dir("/etc/app").file("/etc/app/a.conf", "a").file("/etc/app/b.conf", "b")
                        .dir("/var/cache").file("/var/cache/x", "x").compression(TestLayer.Compression.ZSTD).build())
                .layer(TestLayer.builder().whiteout("/etc/app/a.conf").opaque("/var/cache").file("/var/cache/y", "y")
                        .compression(TestLayer.Compression.NONE).build())
                .layer(TestLayer.builder().symlink("/etc/app/link", "b.conf").hardlink("/etc/app/hard", "/etc/app/b.conf").build())
                .build();
        PushedImage pushed = registry.push("pull/layers:1", image);
        assertEquals(pushed.imageId(), pull(cri, pushed.reference()));
        assertEquals(image.size(), status(cri, pushed.reference(), false).getImage().getSize());
    }

    @Test
    void dockerSchema2Image(CriClient cri) throws Exception {
        TestImage image = TestImages.busyboxBuilder().format(TestImage.Format.DOCKER).label("format", "docker").build();
        PushedImage pushed = registry.push("pull/docker:1", image);
        assertEquals(pushed.imageId(), pull(cri, pushed.reference()));
    }

    @Test
    void multiPlatformIndexGivesThisNodesImage(CriClient cri) throws Exception {
        TestImage arm64 = TestImages.busyboxBuilder().platform("linux", "arm64", "v8").label("arch", "arm64").build();
        TestImage amd64 = TestImages.busyboxBuilder().platform("linux", "amd64", null).label("arch", "amd64").build();
        TestImage arm = TestImages.busyboxBuilder().platform("linux", "arm", "v7").label("arch", "arm").build();
        PushedImage pushed = registry.push("pull/multi:1", TestIndex.of(arm64, amd64, arm));
        assertEquals(amd64.id(), pull(cri, pushed.reference()));
        Api.Image image = status(cri, pushed.reference(), false).getImage();
        assertEquals(List.of(pushed.digestReference()), image.getRepoDigestsList(), "repo digest is the index's");
        // by the index digest too
        assertEquals(amd64.id(), pull(cri, pushed.digestReference()));
    }

    @Test
    void indexWithoutThisPlatformFailsClearly(CriClient cri) throws Exception {
        TestImage arm64 = TestImages.busyboxBuilder().platform("linux", "arm64", "v8").label("arch", "only-arm").build();
        PushedImage pushed = registry.push("pull/armonly:1", TestIndex.of(arm64));
        Status s = failure(() -> pull(cri, pushed.reference()));
        assertEquals(Status.Code.NOT_FOUND, s.getCode());
        assertTrue(s.getDescription().contains("linux/amd64") && s.getDescription().contains("linux/arm64"), s.getDescription());
    }

    @Test
    void missingTagIsNotFoundNamingTheReference(CriClient cri) {
        String ref = registry.host() + "/pull/busybox:does-not-exist";
        Status s = failure(() -> pull(cri, ref));
        assertEquals(Status.Code.NOT_FOUND, s.getCode());
        assertTrue(s.getDescription().contains("pull/busybox:does-not-exist"), s.getDescription());
    }

    @Test
    void invalidReferenceIsInvalidArgument(CriClient cri) {
        Status s = failure(() -> pull(cri, "Invalid/Ref::x"));
        assertEquals(Status.Code.INVALID_ARGUMENT, s.getCode());
        assertTrue(s.getDescription().contains("Invalid/Ref::x"), s.getDescription());
        assertEquals(Status.Code.INVALID_ARGUMENT, failure(() -> pull(cri, "")).getCode());
    }

    @Test
    void unknownImageStatusIsEmptyAndRemovingItSucceeds(CriClient cri) {
        Api.ImageStatusResponse r = status(cri, registry.host() + "/nothing/here:1", true);
        assertFalse(r.hasImage());
        assertTrue(r.getInfoMap().isEmpty());
        remove(cri, registry.host() + "/nothing/here:1");
        remove(cri, "sha256:" + "0".repeat(64));
        assertTrue(list(cri, registry.host() + "/nothing/here:1").isEmpty());
    }

    @Test
    void removingATagKeepsTheImageUntilItsLastTag(CriClient cri) throws Exception {
        TestImage image = TestImages.busyboxBuilder().label("test", "remove").build();
        PushedImage a = registry.push("remove/a:1", image);
        PushedImage b = registry.push("remove/b:1", image);
        pull(cri, a.reference());
        pull(cri, b.reference());
        Api.Image both = status(cri, a.imageId(), false).getImage();
        assertEquals(2, both.getRepoTagsCount(), both.toString());
        remove(cri, a.reference());
        assertFalse(status(cri, a.reference(), false).hasImage());
        Api.Image left = status(cri, b.reference(), false).getImage();
        assertEquals(List.of(b.reference()), left.getRepoTagsList());
        remove(cri, b.reference());
        assertFalse(status(cri, a.imageId(), false).hasImage());
        // pulled again after removal: works (layers and blobs were released)
        assertEquals(a.imageId(), pull(cri, a.reference()));
        remove(cri, a.imageId());
        assertFalse(status(cri, a.reference(), false).hasImage());
    }

    @Test
    void aTagMovesToTheNewImage(CriClient cri) throws Exception {
        PushedImage v1 = registry.push("move/app:latest", TestImages.busyboxBuilder().label("v", "1").build());
        pull(cri, v1.reference());
        PushedImage v2 = registry.push("move/app:latest", TestImages.busyboxBuilder().label("v", "2").build());
        pull(cri, v2.reference());
        assertEquals(v2.imageId(), status(cri, v2.reference(), false).getImage().getId());
        Api.Image old = status(cri, v1.imageId(), false).getImage();
        assertTrue(old.getRepoTagsList().isEmpty(), old.toString());
    }

    @Test
    void concurrentPullsOfOneImageShareOneDownload(CriClient cri) throws Exception {
        TestImage image = TestImages.busyboxBuilder()
                .layer(TestLayer.builder().randomFile("/big", 4 << 20, 42).build()).build();
        registry.push("shared/app:1", image);
        try (FaultProxy proxy = FaultProxy.start(registry.host())) {
            proxy.throttleBlobs(8 << 20);
            String ref = proxy.host() + "/shared/app:1";
            List<CompletableFuture<String>> pulls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                pulls.add(CompletableFuture.supplyAsync(() -> pull(cri, ref)));
            }
            for (CompletableFuture<String> p : pulls) {
                assertEquals(image.id(), p.join());
            }
            assertTrue(proxy.blobRequests() <= 2, "each layer downloaded once, got " + proxy.blobRequests() + " blob requests");
            int before = proxy.blobRequests();
            pull(cri, ref);
            assertEquals(before, proxy.blobRequests(), "a present image downloads no layer again");
        }
    }

    @Test
    void imageFsInfoReportsUsage(CriClient cri) throws Exception {
        PushedImage pushed = registry.push("fs/app:1", TestImages.busyboxBuilder()
                .layer(TestLayer.builder().randomFile("/blob", 3 << 20, 7).build()).build());
        Api.ImageFsInfoResponse before = cri.images().imageFsInfo(Api.ImageFsInfoRequest.getDefaultInstance());
        pull(cri, pushed.reference());
        Api.ImageFsInfoResponse after = cri.images().imageFsInfo(Api.ImageFsInfoRequest.getDefaultInstance());
        assertEquals(1, after.getImageFilesystemsCount());
        Api.FilesystemUsage u = after.getImageFilesystems(0);
        assertFalse(u.getFsId().getMountpoint().isEmpty());
        assertTrue(u.getTimestamp() > 0);
        assertTrue(u.getInodesUsed().getValue() > 0);
        long grew = u.getUsedBytes().getValue() - before.getImageFilesystems(0).getUsedBytes().getValue();
        assertTrue(grew >= 3 << 20, "usage grew by " + grew);
        remove(cri, pushed.reference());
        Api.ImageFsInfoResponse removed = cri.images().imageFsInfo(Api.ImageFsInfoRequest.getDefaultInstance());
        assertTrue(removed.getImageFilesystems(0).getUsedBytes().getValue() < u.getUsedBytes().getValue());
    }
}
