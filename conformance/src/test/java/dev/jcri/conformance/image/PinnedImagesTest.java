package dev.jcri.conformance.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.TestNetwork;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * critest 1.34+: the images named in {@code pinned_images} (the pause image) are reported pinned,
 * so kubelet's image GC never removes them; a pull naming a runtime handler (KEP-4216) is served
 * for a configured handler and refused, naming the field, for an unknown one.
 */
class PinnedImagesTest {

    @TempDir
    Path dir;

    private static Api.ImageSpec spec(String image, String handler) {
        return Api.ImageSpec.newBuilder().setImage(image).setRuntimeHandler(handler).build();
    }

    @Test
    void pinnedImagesAreReportedPinnedAndPullsNameAConfiguredHandler() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "starts jcri itself");
        try (TestRegistry registry = TestRegistry.start(); TestNetwork network = TestNetwork.create(dir)) {
            PushedImage pause = registry.push("pin/pause:1", TestImages.busybox());
            PushedImage other = registry.push("pin/other:1", TestImages.busyboxBuilder().env("X=1").build());
            Path config = Files.writeString(dir.resolve("jcri.toml"),
                    "pinned_images = [\"" + pause.reference() + "\"]\n" + network.jcriConfig());
            try (JcriProcess jcri = JcriProcess.start(dir.resolve("daemon"), List.of("--config", config.toString()));
                    CriClient cri = new CriClient(jcri.socket())) {
                cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(spec(pause.reference(), "crun")).build());
                cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(spec(other.reference(), "")).build());
                assertTrue(status(cri, pause.reference()).getPinned(), "named in pinned_images");
                assertFalse(status(cri, other.reference()).getPinned());
                assertTrue(cri.images().listImages(Api.ListImagesRequest.getDefaultInstance()).getImagesList().stream()
                        .anyMatch(i -> i.getId().equals(pause.imageId()) && i.getPinned()));

                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cri.images().pullImage(
                        Api.PullImageRequest.newBuilder().setImage(spec(other.reference(), "nosuch")).build()));
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
                assertTrue(e.getStatus().getDescription().contains("runtime_handler"), e.toString());
            }
        }
    }

    private static Api.Image status(CriClient cri, String ref) {
        return cri.images().imageStatus(Api.ImageStatusRequest.newBuilder().setImage(spec(ref, "")).build()).getImage();
    }
}
