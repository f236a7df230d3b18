package dev.jcri.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * The specs of the newer critest (kubernetes-sigs/cri-tools pkg/validate, v1.34 to v1.36) that the
 * shared kit's critest v1.26.1 does not have, each mirrored step by step with its assertions:
 * idempotence.go (stop/remove of unknown objects), security_context_linux.go's UserNamespaces
 * (POD with critest's own mapping, NODE, the refusals, and the idmap probe of verbose Status'
 * {@code config.stateDir}), container_linux.go's recursive read-only refusals, image_volume.go's
 * read-only rule, image_id_consistency.go, and the attribute-preserving specs of container.go and
 * pod.go. Specs already mirrored elsewhere (OOM 137 in ContainerLifecycleTest, Merge/Strict in
 * SupplementalGroupsTest, image volume digest and sub path in ImageVolumeTest, stop signals in
 * StopSignalTest) are not repeated.
 */
@ExtendWith(SharedRuntime.class)
class CritestContractTest {

    /** critest's defaultMapping of the UserNamespaces specs. */
    private static final Api.IDMapping CRITEST_MAPPING = Api.IDMapping.newBuilder().setContainerId(0).setHostId(1000)
            .setLength(100000).build();

    @TempDir
    Path logs;

    private CriClient cri;
    private String image;
    private final List<String> pods = new ArrayList<>();

    @BeforeEach
    void setUp(CriClient cri) throws Exception {
        this.cri = cri;
        this.image = Containers.busybox(cri);
    }

    @AfterEach
    void removePods() {
        pods.forEach(id -> Pods.stopAndRemove(cri, id));
    }

    private String runPod(Api.PodSandboxConfig config) {
        String id = Pods.run(cri, config);
        pods.add(id);
        return id;
    }

    private static String unknownId() {
        return UUID.randomUUID().toString();
    }

    // idempotence.go

    @Test
    void stopAndRemoveOfUnknownObjectsSucceed() {
        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(unknownId()).build());
        cri.runtime().removePodSandbox(Api.RemovePodSandboxRequest.newBuilder().setPodSandboxId(unknownId()).build());
        cri.runtime().stopContainer(Api.StopContainerRequest.newBuilder().setContainerId(unknownId()).build());
        cri.runtime().removeContainer(Api.RemoveContainerRequest.newBuilder().setContainerId(unknownId()).build());
        Api.ImageSpec fake = Api.ImageSpec.newBuilder().setImage("0".repeat(64)).build();
        cri.images().removeImage(Api.RemoveImageRequest.newBuilder().setImage(fake).build());
        cri.images().removeImage(Api.RemoveImageRequest.newBuilder().setImage(fake).build());
    }

    @Test
    void stoppingAndRemovingTwiceSucceeds() {
        Api.PodSandboxConfig pod = Pods.config("idempotence", true, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(logs.toString()).build();
        String podId = runPod(pod);
        String id = Containers.run(cri, podId, pod, Containers.config("idem", image, "sleep", "600").build());
        Containers.stop(cri, id, 0);
        Containers.remove(cri, id);
        Containers.remove(cri, id);
        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        cri.runtime().stopPodSandbox(Api.StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    }

    // container.go, pod.go: preserving attributes

    @Test
    void containerAndPodAttributesArePreserved() {
        Api.PodSandboxConfig pod = Pods.config("attributes", true, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(logs.toString()).putLabels("foo", "bar").putAnnotations("abc", "def").build();
        String podId = runPod(pod);
        Api.PodSandboxStatus podStatus = Pods.status(cri, podId);
        assertEquals(pod.getMetadata(), podStatus.getMetadata());
        assertEquals("bar", podStatus.getLabelsMap().get("foo"));
        assertEquals("def", podStatus.getAnnotationsMap().get("abc"));

        String name = "container-with-attributes-" + UUID.randomUUID();
        Map<String, String> labels = Map.of("foo", "bar", "io.kubernetes.container.name", name,
                "io.kubernetes.pod.name", "fake-pod-name", "io.kubernetes.pod.namespace", "fake-pod-namespace",
                "io.kubernetes.pod.uid", "fake-pod-uid");
        Api.ContainerConfig config = Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName(name).setAttempt(0))
                .setImage(Api.ImageSpec.newBuilder().setImage(image)).putAllLabels(labels).putAnnotations("abc", "def")
                .build();
        String id = Containers.create(cri, podId, pod, config);
        Api.ContainerStatus status = Containers.status(cri, id);
        assertEquals(name, status.getMetadata().getName());
        assertEquals(0, status.getMetadata().getAttempt());
        assertTrue(status.getLabelsMap().entrySet().containsAll(labels.entrySet()), status.getLabelsMap().toString());
        assertEquals("def", status.getAnnotationsMap().get("abc"));
        List<Api.Container> listed = cri.runtime().listContainers(Api.ListContainersRequest.newBuilder()
                .setFilter(Api.ContainerFilter.newBuilder().setId(id)).build()).getContainersList();
        assertEquals(1, listed.size());
        assertEquals(name, listed.get(0).getMetadata().getName());
        assertTrue(listed.get(0).getLabelsMap().entrySet().containsAll(labels.entrySet()));
        assertEquals("def", listed.get(0).getAnnotationsMap().get("abc"));
    }

    // image_id_consistency.go

    @Test
    void oneImageIdentifierAcrossAllApis() {
        String ref = cri.images().pullImage(Api.PullImageRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(image)).build()).getImageRef();
        assertFalse(ref.isEmpty());
        Api.Image status = cri.images().imageStatus(Api.ImageStatusRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(image)).build()).getImage();
        assertEquals(ref, status.getId(), "Image.id is PullImageResponse.image_ref");
        Api.PodSandboxConfig pod = Pods.config("image-id", true, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(logs.toString()).build();
        String podId = runPod(pod);
        Api.ContainerConfig config = Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("id-consistency"))
                .setImage(Api.ImageSpec.newBuilder().setImage(ref).setUserSpecifiedImage(image)).build();
        String id = Containers.run(cri, podId, pod, config);
        assertEquals(ref, Containers.status(cri, id).getImageId(), "ContainerStatus.image_id");
        List<Api.Container> listed = cri.runtime().listContainers(Api.ListContainersRequest.newBuilder()
                .setFilter(Api.ContainerFilter.newBuilder().setId(id)).build()).getContainersList();
        assertEquals(ref, listed.get(0).getImageId(), "Container.image_id");
    }

    // image_consistency.go

    @Test
    void anImageIsListedAtOnceAfterItsPullGoneAtOnceAfterItsRemovalAndSimultaneousRemovalsSucceed() throws Exception {
        String ref = Containers.registry().push("critest/consistency:1",
                dev.jcri.conformance.registry.TestImages.busyboxBuilder().volume("/critest-consistency").build()).reference();
        Api.ImageSpec spec = Api.ImageSpec.newBuilder().setImage(ref).build();
        String id = cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(spec).build()).getImageRef();
        assertTrue(cri.images().listImages(Api.ListImagesRequest.getDefaultInstance()).getImagesList().stream()
                .anyMatch(i -> i.getId().equals(id)), "listed at once");
        assertEquals(id, cri.images().imageStatus(Api.ImageStatusRequest.newBuilder().setImage(spec).build()).getImage().getId());
        List<java.util.concurrent.CompletableFuture<Void>> removals = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            removals.add(java.util.concurrent.CompletableFuture.runAsync(() -> cri.images().removeImage(
                    Api.RemoveImageRequest.newBuilder().setImage(Api.ImageSpec.newBuilder().setImage(id)).build())));
        }
        for (var r : removals) {
            r.get(2, TimeUnit.MINUTES); // every one succeeds
        }
        assertFalse(cri.images().listImages(Api.ListImagesRequest.getDefaultInstance()).getImagesList().stream()
                .anyMatch(i -> i.getId().equals(id)), "not listed at once after its removal");
        assertFalse(cri.images().imageStatus(Api.ImageStatusRequest.newBuilder().setImage(spec).build()).hasImage());
    }

    // container_linux.go: Container Mount Readonly, the refusals

    @Test
    void recursiveReadOnlyMountsCritestRejectsAreRefused() throws IOException {
        Api.PodSandboxConfig pod = Pods.config("rro-refusals", true, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(logs.toString()).build();
        String podId = runPod(pod);
        Path source = Files.createDirectories(logs.resolve("rro-source"));
        List<Api.Mount> rejected = List.of(
                Api.Mount.newBuilder().setContainerPath("/mnt").setHostPath(source.toString()).setReadonly(false)
                        .setRecursiveReadOnly(true).build(),
                Api.Mount.newBuilder().setContainerPath("/mnt").setHostPath(source.toString()).setReadonly(true)
                        .setRecursiveReadOnly(true).setPropagation(Api.MountPropagation.PROPAGATION_HOST_TO_CONTAINER).build(),
                Api.Mount.newBuilder().setContainerPath("/mnt").setHostPath(source.toString()).setReadonly(true)
                        .setRecursiveReadOnly(true).setPropagation(Api.MountPropagation.PROPAGATION_BIDIRECTIONAL).build());
        for (Api.Mount m : rejected) {
            Api.ContainerConfig config = Containers.config("rro", image, "sleep", "600").addMounts(m).build();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> Containers.create(cri, podId, pod, config), m.toString());
            assertTrue(e.getStatus().getDescription().contains("recursive_read_only"), e.getStatus().toString());
        }
        assertEquals(0, cri.runtime().listContainers(Api.ListContainersRequest.newBuilder()
                .setFilter(Api.ContainerFilter.newBuilder().setPodSandboxId(podId)).build()).getContainersCount());
    }

    // image_volume.go: "should reject Image Volume with Readonly set to false"

    @Test
    void anImageVolumeThatIsNotReadOnlyIsRefused() {
        Api.PodSandboxConfig pod = Pods.config("image-volume-rw", true, Api.NamespaceMode.CONTAINER)
                .setLogDirectory(logs.toString()).build();
        String podId = runPod(pod);
        Api.ContainerConfig config = Containers.config("image-volume-rw", image, "sleep", "600")
                .addMounts(Api.Mount.newBuilder().setContainerPath("/image").setReadonly(false)
                        .setImage(Api.ImageSpec.newBuilder().setImage(image).setUserSpecifiedImage(image)))
                .build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> Containers.create(cri, podId, pod, config));
        assertEquals(io.grpc.Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
        assertTrue(e.getStatus().getDescription().contains("config.mounts[0].readonly"), e.getStatus().toString());
        assertEquals(0, cri.runtime().listContainers(Api.ListContainersRequest.newBuilder()
                .setFilter(Api.ContainerFilter.newBuilder().setPodSandboxId(podId)).build()).getContainersCount());
    }

    // security_context_linux.go: UserNamespaces

    private Api.RuntimeHandler defaultHandler() {
        return cri.runtime().status(Api.StatusRequest.newBuilder().setVerbose(true).build()).getRuntimeHandlersList()
                .stream().filter(h -> h.getName().isEmpty()).findFirst().orElseThrow();
    }

    /** critest's createNamespacePodSandbox: no network mode given (so POD), an empty DNS config. */
    private Api.PodSandboxConfig usernsPod(Api.UserNamespace userns) {
        String uid = UUID.randomUUID().toString();
        return Api.PodSandboxConfig.newBuilder()
                .setMetadata(Api.PodSandboxMetadata.newBuilder().setName("user-namespaces-pod-" + uid).setUid(uid)
                        .setNamespace("jcri-test"))
                .setDnsConfig(Api.DNSConfig.getDefaultInstance())
                .setLinux(Api.LinuxPodSandboxConfig.newBuilder().setSecurityContext(Api.LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(Api.NamespaceOption.newBuilder().setUsernsOptions(userns))))
                .setLogDirectory(logs.toString()).build();
    }

    /** critest's runUserNamespaceContainer: {@code cat /proc/self/uid_map} to its log, run to its end. */
    private String uidMapOfAContainerIn(Api.UserNamespace userns) throws IOException {
        Api.PodSandboxConfig pod = usernsPod(userns);
        String podId = runPod(pod);
        String name = "user-namespaces-container-" + UUID.randomUUID();
        Api.ContainerConfig.Builder config = Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName(name))
                .setImage(Api.ImageSpec.newBuilder().setImage(image).setUserSpecifiedImage(image))
                .addAllCommand(List.of("cat", "/proc/self/uid_map")).setLogPath(name + ".log");
        config.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(
                pod.getLinux().getSecurityContext().getNamespaceOptions());
        String id = Containers.run(cri, podId, pod, config.build());
        assertEquals(0, Containers.awaitExit(cri, id, Duration.ofMinutes(1)).getExitCode());
        return Files.readString(logs.resolve(name + ".log"), StandardCharsets.UTF_8);
    }

    @Test
    void userNamespaceModePodWithCritestsMapping() throws IOException {
        Assumptions.assumeTrue(defaultHandler().getFeatures().getUserNamespaces(), "user namespaces not advertised");
        String log = uidMapOfAContainerIn(Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD)
                .addUids(CRITEST_MAPPING).addGids(CRITEST_MAPPING).build());
        assertTrue(Pattern.compile("\\s+0\\s+1000\\s+100000\\n").matcher(log).find(), log);
    }

    @Test
    void userNamespaceModeNodeSeesTheNodesMapping() throws IOException {
        String log = uidMapOfAContainerIn(Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.NODE).build());
        for (String line : Files.readAllLines(Path.of("/proc/self/uid_map"))) {
            String[] m = line.strip().split("\\s+");
            assertTrue(Pattern.compile("\\s+" + m[0] + "\\s+" + m[1] + "\\s+" + m[2]).matcher(log).find(), log);
        }
    }

    @Test
    void userNamespaceOptionsCritestRejectsAreRefused() {
        Api.IDMapping second = CRITEST_MAPPING.toBuilder().setHostId(2000).build();
        List<Api.UserNamespace> rejected = List.of(
                Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD).addUids(CRITEST_MAPPING).addUids(second)
                        .addGids(CRITEST_MAPPING).addGids(second).build(),
                Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD)
                        .addUids(CRITEST_MAPPING.toBuilder().setContainerId(1))
                        .addGids(CRITEST_MAPPING.toBuilder().setContainerId(1)).build(),
                Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.CONTAINER).build(),
                Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.TARGET).build());
        int before = cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount();
        for (Api.UserNamespace userns : rejected) {
            Api.PodSandboxConfig pod = usernsPod(userns).toBuilder().clearDnsConfig().clearLogDirectory().build();
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> runPod(pod), userns.toString());
            assertTrue(e.getStatus().getDescription().contains("userns_options"), e.getStatus().toString());
        }
        assertEquals(before, cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
    }

    /**
     * critest's "Host idmap mount support is needed": it reads {@code stateDir} from verbose
     * Status' {@code config} JSON and probes an idmapped mount of its parent's file system; a
     * runtime that names none makes it probe /var/lib instead, which says nothing about where the
     * runtime keeps its containers' roots.
     */
    @Test
    void verboseStatusNamesAStateDirWhoseFileSystemTakesIdmappedMounts(JcriProcess jcri) throws Exception {
        String config = cri.runtime().status(Api.StatusRequest.newBuilder().setVerbose(true).build()).getInfoMap()
                .get("config");
        assertNotNull(config);
        JsonNode stateDir = Json.MAPPER.readTree(config).get("stateDir");
        assertNotNull(stateDir, "config.stateDir in " + config);
        Path parent = Path.of(stateDir.asText()).getParent();
        assertTrue(Path.of(stateDir.asText()).startsWith(jcri.state()), "the state directory's: " + stateDir);
        // critest's supportsIDMap, with util-linux: an idmapped bind of the parent
        Path target = Files.createDirectories(logs.resolve("idmap-probe"));
        Process mount = new ProcessBuilder("mount", "--bind", "-o", "X-mount.idmap=0:1000:100000", parent.toString(),
                target.toString()).redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(mount.waitFor(30, TimeUnit.SECONDS));
        try {
            assertEquals(0, mount.exitValue(), "idmapped mount of " + parent + ": " + out);
        } finally {
            if (mount.exitValue() == 0) {
                Process umount = new ProcessBuilder("umount", target.toString()).redirectErrorStream(true).start();
                umount.getInputStream().readAllBytes();
                assertTrue(umount.waitFor(30, TimeUnit.SECONDS));
            }
        }
    }
}
