package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * CDI devices end to end: a daemon whose cdi.spec_dirs is a directory of this test, holding a spec
 * that exposes a device node the test made (char 1:3, a /dev/null twin), an env var, a bind
 * mount and a supplementary group. The container asks for the device by CDI_devices and gets all four; a device no spec
 * defines is INVALID_ARGUMENT naming the field, and no container, bundle or snapshot is left.
 */
class CdiDevicesTest {

    @TempDir
    Path dir;

    @Test
    void aCdiDeviceBringsItsNodeEnvAndMountAndAnUnknownOneIsRefusedLeavingNothing() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "starts jcri itself");
        Path specs = Files.createDirectories(dir.resolve("cdi"));
        Path node = dir.resolve("cdi-null");
        Process mknod = new ProcessBuilder("mknod", "-m", "0666", node.toString(), "c", "1", "3").inheritIO().start();
        assertEquals(0, mknod.waitFor());
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.writeString(shared.resolve("hello"), "from the cdi mount\n");
        Files.writeString(specs.resolve("example.json"), """
                {"cdiVersion": "0.6.0", "kind": "example.com/test",
                 "containerEdits": {"env": ["CDI_SPEC=wide"]},
                 "devices": [{"name": "null0", "containerEdits": {
                   "deviceNodes": [{"path": "/dev/jcri-cdi", "hostPath": "%s"}],
                   "env": ["CDI_DEVICE=null0"], "additionalGids": [4242],
                   "mounts": [{"hostPath": "%s", "containerPath": "/cdi", "options": ["ro", "rbind"]}]}}]}
                """.formatted(node, shared));
        Path config = Files.writeString(dir.resolve("jcri.toml"), "[cdi]\nspec_dirs = [\"" + specs + "\"]\n");

        try (JcriProcess jcri = JcriProcess.start(dir.resolve("daemon"), List.of("--config", config.toString()));
                CriClient cri = new CriClient(jcri.socket())) {
            String image = Containers.busybox(cri);
            Api.PodSandboxConfig pod = Containers.pod("cdi", false, Api.NamespaceMode.CONTAINER,
                    Files.createDirectories(dir.resolve("logs")));
            String podId = Pods.run(cri, pod);
            try {
                Api.ContainerConfig.Builder ok = Containers.config("with-device", image, "sleep", "300")
                        .addCDIDevices(Api.CDIDevice.newBuilder().setName("example.com/test=null0"));
                String id = Containers.run(cri, podId, pod, ok.build());
                Api.ExecSyncResponse r = Containers.exec(cri, id, 10, "sh", "-c",
                        "stat -c '%t:%T %F' /dev/jcri-cdi; echo x > /dev/jcri-cdi && echo writable;"
                                + " echo $CDI_SPEC $CDI_DEVICE; cat /cdi/hello; touch /cdi/new 2>/dev/null || echo ro");
                assertEquals(0, r.getExitCode(), r.getStderr().toString(StandardCharsets.UTF_8));
                assertEquals("1:3 character special file\nwritable\nwide null0\nfrom the cdi mount\nro\n",
                        r.getStdout().toString(StandardCharsets.UTF_8));
                Api.ExecSyncResponse groups = Containers.exec(cri, id, 10, "id", "-G");
                assertTrue(List.of(groups.getStdout().toString(StandardCharsets.UTF_8).trim().split(" ")).contains("4242"),
                        "the device's group is one the process has: " + groups.getStdout().toStringUtf8());
                assertTrue(cri.runtime().containerStatus(Api.ContainerStatusRequest.newBuilder().setContainerId(id).build())
                        .getStatus().getUser().getLinux().getSupplementalGroupsList().contains(4242L),
                        "ContainerStatus reports the device's group");

                int before = entries(jcri.state().resolve("containers"));
                Api.ContainerConfig.Builder unknown = Containers.config("unknown-device", image, "true")
                        .addCDIDevices(Api.CDIDevice.newBuilder().setName("example.com/test=null0"))
                        .addCDIDevices(Api.CDIDevice.newBuilder().setName("example.com/test=missing"));
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                        () -> Containers.create(cri, podId, pod, unknown.build()));
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
                assertTrue(e.getStatus().getDescription().contains("config.CDI_devices[1].name"), e.toString());
                assertEquals(List.of(id), cri.runtime().listContainers(Api.ListContainersRequest.getDefaultInstance())
                        .getContainersList().stream().map(Api.Container::getId).toList(), "no record of the refused one");
                assertEquals(before, entries(jcri.state().resolve("containers")), "no bundle of the refused one");
            } finally {
                Pods.stopAndRemove(cri, podId);
            }
        }
    }

    private static int entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.count();
        }
    }
}
