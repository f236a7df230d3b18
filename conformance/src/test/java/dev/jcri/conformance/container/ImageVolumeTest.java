package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestLayer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/**
 * Image volumes (KEP-4639, beta and on in 1.35): an OCI image's files mounted read-only into a
 * container straight from the snapshotter (the layers themselves, no copy), held while the
 * container exists, reported with the image's ID in the container's mount status.
 */
class ImageVolumeTest extends InOnePodTest {

    /** Two layers (so the view is a read-only overlay): /data/hello, then /data/sub/world and a link out. */
    private String dataImage() throws Exception {
        TestImage image = TestImage.builder()
                .layer(TestLayer.builder().dir("/data").file("/data/hello", "hello from the image\n").build())
                .layer(TestLayer.builder().dir("/data/sub").file("/data/sub/world", "world\n").symlink("/data/out", "/etc").build())
                .build();
        PushedImage pushed = Containers.registry().push("volumes/data:1", image);
        cri.images().pullImage(Api.PullImageRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(pushed.reference())).build());
        return pushed.reference();
    }

    private static Api.Mount.Builder imageMount(String path, String image, String subPath) {
        return Api.Mount.newBuilder().setContainerPath(path).setReadonly(true)
                .setImage(Api.ImageSpec.newBuilder().setImage(image)).setImageSubPath(subPath);
    }

    @Test
    void theImagesFilesAreMountedReadOnlyWithoutACopyAndReleasedWithTheContainer(JcriProcess jcri) throws Exception {
        String data = dataImage();
        List<String> viewsBefore = views(jcri);
        Api.ContainerConfig.Builder config = Containers.config("iv", image, "sh", "-c",
                "cat /vol/data/hello /sub/world; ls -i /vol/data/hello; touch /vol/data/x 2>/dev/null; echo write=$?; sleep 600");
        config.addMounts(imageMount("/vol", data, "")).addMounts(imageMount("/sub", data, "data/sub"));
        String id = Containers.run(cri, podId, pod, config.build());
        Path log = logs.resolve("iv.log");
        String out = dev.jcri.conformance.Deadline.await("the container's output", Duration.ofSeconds(20), () -> {
            try {
                String s = Files.exists(log) ? Files.readString(log) : "";
                return s.contains("write=") ? s : null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
        assertTrue(out.contains("hello from the image") && out.contains("world"), out);
        assertTrue(out.contains("write=1"), "read-only: " + out);

        Api.ContainerStatus status = Containers.status(cri, id);
        String imageId = cri.images().imageStatus(Api.ImageStatusRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(data)).build()).getImage().getId();
        assertEquals(imageId, status.getMounts(0).getImage().getImage(), "the mount status names the image by its ID");
        assertEquals(data, status.getMounts(0).getImage().getUserSpecifiedImage());

        if (jcri != null) {
            // no copy: the file the container sees is the layer's own file (same inode)
            long inside = Long.parseLong(out.lines().filter(l -> l.contains("/vol/data/hello")).findFirst().orElseThrow()
                    .replaceFirst("^\\S+ stdout F\\s*", "").strip().split("\\s+")[0]);
            List<Long> layerInodes = filesNamed(jcri.root().resolve("snapshots"), "hello");
            assertTrue(layerInodes.contains(inside), inside + " not among the layers' " + layerInodes);
            assertEquals(viewsBefore.size() + 2, views(jcri).size(), "one view per image mount");
        }

        Containers.stop(cri, id, 0);
        Containers.remove(cri, id);
        if (jcri != null) {
            assertEquals(viewsBefore, views(jcri), "the views went with the container");
            assertTrue(HostState.mountsUnder(jcri.state()).stream().noneMatch(m -> m.contains(id)), "no mount left");
        }
    }

    @Test
    void aMissingImageOrSubPathIsAClearErrorThatLeavesNothing(JcriProcess jcri) throws Exception {
        String data = dataImage();
        List<String> viewsBefore = jcri == null ? List.of() : views(jcri);

        Api.ContainerConfig.Builder noImage = Containers.config("iv-noimage", image, "true")
                .addMounts(imageMount("/vol", "127.0.0.1:1/never/pulled:1", ""));
        StatusRuntimeException e1 = assertThrows(StatusRuntimeException.class, () -> Containers.create(cri, podId, pod, noImage.build()));
        assertEquals(Status.Code.NOT_FOUND, e1.getStatus().getCode());
        assertTrue(e1.getStatus().getDescription().contains("mounts[0].image"), e1.toString());

        for (String bad : List.of("data/nope", "data/out/passwd", "../x", "/abs")) {
            Api.ContainerConfig.Builder c = Containers.config("iv-bad", image, "true").addMounts(imageMount("/vol", data, bad));
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> Containers.create(cri, podId, pod, c.build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad);
            assertTrue(e.getStatus().getDescription().contains("mounts[0].image_sub_path"), e.toString());
        }
        if (jcri != null) {
            assertEquals(viewsBefore, views(jcri), "a refused create leaves no view");
            assertTrue(HostState.mountsUnder(jcri.state()).stream().noneMatch(m -> m.contains("image-volumes")));
        }
        assertEquals(0, cri.runtime().listContainers(Api.ListContainersRequest.getDefaultInstance()).getContainersList()
                .stream().filter(c -> c.getPodSandboxId().equals(podId)).count());
    }

    /** The daemon's snapshot directories whose metadata marks them as views. */
    private static List<String> views(JcriProcess jcri) throws Exception {
        Path dir = jcri.root().resolve("snapshots").resolve("snapshots");
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> {
                try (Stream<Path> files = Files.list(d)) {
                    return files.anyMatch(f -> {
                        try {
                            return Files.isRegularFile(f) && Files.readString(f).contains("\"VIEW\"");
                        } catch (Exception e) {
                            return false;
                        }
                    });
                } catch (Exception e) {
                    return false;
                }
            }).map(Path::toString).sorted().toList();
        }
    }

    private static List<Long> filesNamed(Path root, String name) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals(name) && Files.isRegularFile(p)).map(p -> {
                try {
                    return (Long) Files.getAttribute(p, "unix:ino");
                } catch (Exception e) {
                    return -1L;
                }
            }).toList();
        }
    }
}
