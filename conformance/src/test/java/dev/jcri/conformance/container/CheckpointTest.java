package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * CheckpointContainer through the CRI. Where CRIU does not work (criu missing, or its
 * {@code criu check} failing, as Debian 12's criu 3.17 does on recent kernels) the call is
 * FAILED_PRECONDITION carrying the reason, and the container runs on untouched; where it works,
 * the archive is written and the container runs on. Bad requests are refused naming the field.
 */
class CheckpointTest extends InOnePodTest {

    @TempDir
    Path out;

    private StatusRuntimeException refused(String id, String location) {
        return assertThrows(StatusRuntimeException.class, () -> cri.runtime().checkpointContainer(
                Api.CheckpointContainerRequest.newBuilder().setContainerId(id).setLocation(location).build()));
    }

    private String sleeper(String name) {
        return Containers.run(cri, podId, pod, Containers.config(name, image, "sleep", "3600").build());
    }

    @Test
    void onThisHostTheRefusalSaysWhatIsMissingAndTheContainerRunsOn() throws Exception {
        String id = sleeper("ckpt");
        Path archive = out.resolve("ckpt.tar");
        Optional<String> whyNot = criuProblem();
        if (whyNot.isEmpty()) { // CRIU works here: a real checkpoint
            cri.runtime().checkpointContainer(Api.CheckpointContainerRequest.newBuilder().setContainerId(id)
                    .setLocation(archive.toString()).build());
            assertTrue(Files.size(archive) > 0);
        } else {
            StatusRuntimeException e = refused(id, archive.toString());
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
            String message = e.getStatus().getDescription();
            assertTrue(message.contains(whyNot.get()), "the reason " + whyNot.get() + " is in: " + message);
            assertFalse(Files.exists(archive), "no archive written");
            try (var left = Files.list(out)) {
                assertEquals(List.of(), left.toList(), "nothing written beside it");
            }
            // asked twice: the same answer (the check is kept)
            assertEquals(message, refused(id, archive.toString()).getStatus().getDescription());
        }
        assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, id).getState());
        assertEquals(0, Containers.exec(cri, id, 10, "true").getExitCode(), "the container still answers");
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        String id = sleeper("ckpt-bad");
        for (String bad : List.of("", "relative/ckpt.tar", "ckpt.tar")) {
            StatusRuntimeException e = refused(id, bad);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad + ": " + e);
            assertTrue(e.getStatus().getDescription().contains("location"), e.toString());
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, refused("", out.resolve("a.tar").toString()).getStatus().getCode());
        StatusRuntimeException unknown = refused("0".repeat(64), out.resolve("a.tar").toString());
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode(), unknown.toString());

        Containers.stop(cri, id, 0);
        StatusRuntimeException stopped = refused(id, out.resolve("a.tar").toString());
        assertEquals(Status.Code.FAILED_PRECONDITION, stopped.getStatus().getCode(), stopped.toString());
        assertTrue(stopped.getStatus().getDescription().contains("not running"), stopped.toString());
    }

    /** A checkpoint archive as CheckpointContainer writes it (CRI-O's layout) of a container of {@code imageId}. */
    private Path archive(String name, String imageId, String extraMember) throws IOException {
        Path file = out.resolve(name);
        try (var os = Files.newOutputStream(file);
                var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(os)) {
            java.util.Map<String, byte[]> members = new java.util.LinkedHashMap<>();
            members.put("config.dump", ("{\"id\":\"" + "a".repeat(64) + "\",\"rootfsImageRef\":\"" + imageId + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
            members.put("spec.dump", "{\"process\":{\"args\":[\"sleep\",\"3600\"],\"cwd\":\"/\"}}".getBytes(StandardCharsets.UTF_8));
            members.put("checkpoint/inventory.img", new byte[16]);
            members.put("rootfs-diff.tar", new byte[1024]);
            if (extraMember != null) {
                members.put(extraMember, new byte[1]);
            }
            for (var m : members.entrySet()) {
                var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(m.getKey());
                e.setSize(m.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(m.getValue());
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    private StatusRuntimeException restoreRefused(Path archive) {
        Api.ContainerConfig config = Containers.config("restored", archive.toString()).build();
        return assertThrows(StatusRuntimeException.class, () -> Containers.create(cri, podId, pod, config));
    }

    private List<String> containersOfThePod() {
        return cri.runtime().listContainers(Api.ListContainersRequest.newBuilder()
                .setFilter(Api.ContainerFilter.newBuilder().setPodSandboxId(podId)).build()).getContainersList().stream()
                .map(Api.Container::getId).toList();
    }

    /**
     * CreateContainer whose image is a checkpoint archive's path (as kubelet, CRI-O and containerd
     * restore): here, where CRIU does not work, FAILED_PRECONDITION with criu's reason and nothing
     * made: no container, no bundle, no snapshot mount.
     */
    @Test
    void restoringFromAnArchiveSaysWhyCriuCannotAndLeavesNothing(dev.jcri.conformance.JcriProcess jcri) throws Exception {
        Optional<String> whyNot = criuProblem();
        org.junit.jupiter.api.Assumptions.assumeTrue(whyNot.isPresent(), "CRIU works here: a real restore is needed");
        String imageId = cri.images().imageStatus(Api.ImageStatusRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(image)).build()).getImage().getId();
        List<Path> bundlesBefore = list(jcri.state().resolve("containers"));
        List<String> mountsBefore = dev.jcri.conformance.HostState.mountsUnder(jcri.state().resolve("containers"));
        StatusRuntimeException e = restoreRefused(archive("ckpt.tar", imageId, null));
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
        assertTrue(e.getStatus().getDescription().contains(whyNot.get()), "criu's reason " + whyNot.get() + " in: " + e);
        assertEquals(List.of(), containersOfThePod(), "no container made");
        assertEquals(bundlesBefore, list(jcri.state().resolve("containers")), "no bundle left");
        assertEquals(mountsBefore, dev.jcri.conformance.HostState.mountsUnder(jcri.state().resolve("containers")),
                "no rootfs mounted");
    }

    @Test
    void aHostileArchiveIsRefusedNamingTheImageField() throws Exception {
        String imageId = cri.images().imageStatus(Api.ImageStatusRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(image)).build()).getImage().getId();
        for (Path bad : List.of(archive("escape.tar", imageId, "checkpoint/../../escaped"),
                archive("host-path.tar", "/etc/passwd", null), out.resolve("missing.tar"))) {
            StatusRuntimeException e = restoreRefused(bad);
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), bad + ": " + e);
            assertTrue(e.getStatus().getDescription().contains("config.image.image"), e.toString());
        }
        assertEquals(List.of(), containersOfThePod(), "no container made");
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /**
     * What the daemon should name as the reason CRIU does not work here: that criu is not
     * installed, or the first line of {@code criu check}'s complaint; empty when it works.
     */
    private static Optional<String> criuProblem() throws IOException, InterruptedException {
        Optional<Path> criu = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin").stream()
                .map(d -> Path.of(d, "criu")).filter(Files::isExecutable).findFirst();
        if (criu.isEmpty()) {
            return Optional.of("criu is not installed (install the criu package: apt install criu)");
        }
        Process p = new ProcessBuilder(criu.get().toString(), "check").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        if (p.exitValue() == 0) {
            return Optional.empty();
        }
        return output.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().or(() -> Optional.of("check failed"));
    }
}
