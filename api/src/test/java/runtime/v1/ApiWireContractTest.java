package runtime.v1;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Pins jcri's CRI declarations to the wire contract of k8s.io/cri-api v0.36.3: the byte encoding
 * of known messages, every method's full name and shape, and a fingerprint of every message,
 * field (name, number, type, label) and enum value. A change here breaks kubelet: it must be a
 * deliberate upgrade to a newer CRI, never an accident.
 */
class ApiWireContractTest {

    /**
     * SHA-256 of the descriptor with file options (java_* here, go_package upstream) removed.
     * Computed from this file when it was declared, after checking with protoc that upstream's
     * api.proto at v0.36.3 decodes to the identical descriptor minus those options.
     */
    private static final String DESCRIPTOR_FINGERPRINT = "87393ba23821979f7320f45e93a7701b2c335df5be48bf6da8555f3f7eb8e827";

    static String fingerprint() throws Exception {
        FileDescriptorProto proto = Api.getDescriptor().toProto().toBuilder().clearOptions().build();
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(proto.toByteArray());
        return HexFormat.of().formatHex(digest);
    }

    @Test
    void descriptorMatchesTheUpstreamContract() throws Exception {
        assertEquals("runtime.v1", Api.getDescriptor().getPackage());
        assertEquals(DESCRIPTOR_FINGERPRINT, fingerprint());
    }

    @Test
    void knownMessagesEncodeToKnownBytes() {
        // PodSandboxMetadata: name=1, uid=2, namespace=3 (strings), attempt=4 (uint32)
        byte[] metadata = Api.PodSandboxMetadata.newBuilder()
                .setName("a").setUid("b").setNamespace("c").setAttempt(4).build().toByteArray();
        assertArrayEquals(new byte[] {0x0a, 1, 'a', 0x12, 1, 'b', 0x1a, 1, 'c', 0x20, 4}, metadata);

        // ContainerStatusResponse.status=1 -> ContainerStatus.state=3 (enum, CONTAINER_EXITED=2), exit_code=7 (int32)
        byte[] status = Api.ContainerStatusResponse.newBuilder()
                .setStatus(Api.ContainerStatus.newBuilder().setState(Api.ContainerState.CONTAINER_EXITED).setExitCode(137))
                .build().toByteArray();
        assertArrayEquals(new byte[] {0x0a, 5, 0x18, 2, 0x38, (byte) 0x89, 0x01}, status);

        // VersionResponse: version=1 .. runtime_api_version=4
        byte[] version = Api.VersionResponse.newBuilder().setRuntimeApiVersion("v1").build().toByteArray();
        assertArrayEquals("\"\u0002v1".getBytes(StandardCharsets.ISO_8859_1), version);

        // RuntimeConfigResponse.linux=1 -> LinuxRuntimeConfiguration.cgroup_driver=1 (CGROUPFS=1)
        assertArrayEquals(new byte[] {0x0a, 2, 0x08, 1}, Api.RuntimeConfigResponse.newBuilder()
                .setLinux(Api.LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(Api.CgroupDriver.CGROUPFS))
                .build().toByteArray());
    }

    @Test
    void everyMethodHasItsUpstreamFullNameAndShape() {
        List<String> runtime = RuntimeServiceGrpc.getServiceDescriptor().getMethods().stream()
                .map(ApiWireContractTest::describe).sorted().toList();
        List<String> image = ImageServiceGrpc.getServiceDescriptor().getMethods().stream()
                .map(ApiWireContractTest::describe).sorted().toList();
        List<String> expectedRuntime = Stream.of(
                "Attach", "CheckpointContainer", "ContainerStats", "ContainerStatus", "CreateContainer", "Exec",
                "ExecSync", "ListContainerStats", "ListContainers", "ListMetricDescriptors", "ListPodSandbox",
                "ListPodSandboxMetrics", "ListPodSandboxStats", "PodSandboxStats", "PodSandboxStatus", "PortForward",
                "RemoveContainer", "RemovePodSandbox", "ReopenContainerLog", "RunPodSandbox", "RuntimeConfig",
                "StartContainer", "Status", "StopContainer", "StopPodSandbox", "UpdateContainerResources",
                "UpdatePodSandboxResources", "UpdateRuntimeConfig", "Version")
                .map(m -> "runtime.v1.RuntimeService/" + m + " UNARY").collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new));
        Stream.of("GetContainerEvents", "StreamContainerStats", "StreamContainers", "StreamPodSandboxMetrics",
                        "StreamPodSandboxStats", "StreamPodSandboxes")
                .forEach(m -> expectedRuntime.add("runtime.v1.RuntimeService/" + m + " SERVER_STREAMING"));
        List<String> expectedImage = Stream.concat(
                        Stream.of("ImageFsInfo", "ImageStatus", "ListImages", "PullImage", "RemoveImage")
                                .map(m -> "runtime.v1.ImageService/" + m + " UNARY"),
                        Stream.of("runtime.v1.ImageService/StreamImages SERVER_STREAMING"))
                .sorted().toList();
        assertEquals(expectedRuntime.stream().sorted().toList(), runtime);
        assertEquals(expectedImage, image);
        assertEquals(41, runtime.size() + image.size());
    }

    private static String describe(MethodDescriptor<?, ?> m) {
        return m.getFullMethodName() + " " + m.getType();
    }
}
