package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import runtime.v1.Api;

/**
 * Pods in their own user namespace (kubelet's hostUsers: false): the container's root is uid 0
 * inside and the mapped uid on the node, image layers and volumes are seen through idmapped mounts
 * (nothing chowned), the pod's files are readable, and options jcri cannot honour are refused.
 */
@ExtendWith(SharedRuntime.class)
class UserNamespaceTest {

    private static final int LENGTH = 65536;

    @TempDir
    Path logs;
    @TempDir
    Path volume;

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

    private static Api.UserNamespace userns(long hostId) {
        Api.IDMapping m = Api.IDMapping.newBuilder().setHostId((int) hostId).setContainerId(0).setLength(LENGTH).build();
        return Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD).addUids(m).addGids(m).build();
    }

    private Api.PodSandboxConfig.Builder podConfig(String name, Api.UserNamespace userns) {
        Api.PodSandboxConfig.Builder pod = Pods.config(name, true, Api.NamespaceMode.CONTAINER).setLogDirectory(logs.toString());
        pod.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(userns);
        return pod;
    }

    private String run(Api.PodSandboxConfig pod, String handler) {
        String id = cri.runtime().runPodSandbox(Api.RunPodSandboxRequest.newBuilder().setConfig(pod)
                .setRuntimeHandler(handler).build()).getPodSandboxId();
        pods.add(id);
        return id;
    }

    private static String text(Api.ExecSyncResponse r) {
        return r.getStdout().toString(StandardCharsets.UTF_8) + r.getStderr().toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void theContainersRootIsUidZeroInsideAndTheMappedUidOnTheNode(String handler, JcriProcess jcri) throws Exception {
        long hostId = "runc".equals(handler) ? 1_100_000 : 1_200_000;
        String marker = "runc".equals(handler) ? "7771" : "7772";
        Api.UserNamespace userns = userns(hostId);
        Api.PodSandboxConfig pod = podConfig("userns-" + handler, userns).build();
        String podId = run(pod, handler);
        Files.writeString(volume.resolve("from-node"), "hello");
        Api.ContainerConfig.Builder config = Containers.config("c", image, "sleep", marker);
        config.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(userns);
        config.addMounts(Api.Mount.newBuilder().setContainerPath("/data").setHostPath(volume.toString()));
        String id = Containers.run(cri, podId, pod, config.build());

        String inside = text(Containers.exec(cri, id, 20, "sh", "-c",
                "id -u; id -g; cat /proc/self/uid_map; stat -c '%u:%g' / /bin/busybox /data/from-node /etc/hostname;"
                        + " cat /etc/hostname /etc/hosts /etc/resolv.conf > /dev/null && echo pod-files-readable;"
                        + " touch /dev/shm/x && echo shm-writable; touch /newfile && echo rootfs-writable;"
                        + " ls /sys/class/net | grep -q lo && echo sysfs; ls /proc/self/ns/user > /dev/null && echo proc;"
                        + " echo x > /data/by-root; touch /data/by-1234; chown 1234:1234 /data/by-1234"));
        String[] lines = inside.strip().split("\n");
        assertEquals("0", lines[0].strip(), inside);
        assertEquals("0", lines[1].strip(), inside);
        assertEquals(List.of("0", Long.toString(hostId), Integer.toString(LENGTH)), List.of(lines[2].strip().split("\\s+")),
                "uid_map: " + inside);
        assertEquals(List.of("0:0", "0:0", "0:0", "0:0"), List.of(lines[3], lines[4], lines[5], lines[6]),
                "/, the image's files, the node's file on the volume and the pod's hostname are root's inside: " + inside);
        for (String expected : List.of("pod-files-readable", "shm-writable", "rootfs-writable", "sysfs", "proc")) {
            assertTrue(inside.contains(expected), expected + ": " + inside);
        }

        long pid = hostPidOf("sleep", marker);
        String uidLine = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertEquals(List.of(Long.toString(hostId), Long.toString(hostId), Long.toString(hostId), Long.toString(hostId)),
                List.of(uidLine.substring(4).strip().split("\\s+")), "the node sees the mapped uid: " + uidLine);

        // the volume is idmapped: ids are the same on both sides, whatever the mapping
        assertEquals(0, (int) Files.getAttribute(volume.resolve("by-root"), "unix:uid"));
        assertEquals(1234, (int) Files.getAttribute(volume.resolve("by-1234"), "unix:uid"));
        assertEquals(1234, (int) Files.getAttribute(volume.resolve("by-1234"), "unix:gid"));
        Containers.stop(cri, id, 0);
        Containers.remove(cri, id);
        assertEquals(List.of(), HostState.mountsUnder(jcri.state().resolve("userns").resolve(id)), "views released");
        Pods.stopAndRemove(cri, podId);
        pods.remove(podId);
        assertEquals(List.of(), HostState.mountsUnder(jcri.state().resolve("pods").resolve(podId)), "namespaces unpinned");
        assertTrue(!Files.exists(jcri.state().resolve("userns").resolve(id)), "the container's directory is gone");
    }

    /** The process of the container: the node's /proc entry whose command line is exactly {@code argv}. */
    private static long hostPidOf(String... argv) {
        String wanted = String.join("\0", argv) + "\0";
        return Deadline.await("a process " + String.join(" ", argv) + " on the node", Duration.ofSeconds(10), () -> {
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                return procs.filter(p -> p.getFileName().toString().matches("\\d+")).filter(p -> {
                    try {
                        return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).equals(wanted);
                    } catch (IOException gone) {
                        return false;
                    }
                }).map(p -> Long.parseLong(p.getFileName().toString())).findFirst().orElse(null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * The image's VOLUME directories jcri makes in the container's root are the container root's,
     * like the image's own directories: made by the node's root and left so, they were nobody's
     * inside (65534), and the container's root could not write in them without CAP_DAC_OVERRIDE
     * over them.
     */
    @Test
    void imageVolumeDirectoriesAreTheContainersRootsNotNobodys() throws Exception {
        long hostId = 1_260_000;
        String withVolume = Containers.registry().push("userns/volume:1",
                dev.jcri.conformance.registry.TestImages.busyboxBuilder().volume("/data/made/by-jcri").build()).reference();
        cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(Api.ImageSpec.newBuilder().setImage(withVolume)).build());
        Api.UserNamespace userns = userns(hostId);
        Api.PodSandboxConfig pod = podConfig("userns-volume", userns).build();
        String podId = run(pod, "");
        Api.ContainerConfig.Builder config = Containers.config("v", withVolume, "sleep", "600");
        config.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(userns);
        String id = Containers.run(cri, podId, pod, config.build());
        String inside = text(Containers.exec(cri, id, 20, "sh", "-c",
                "stat -c '%u:%g' /data /data/made /data/made/by-jcri; touch /data/made/by-jcri/f && echo writable"));
        assertEquals(List.of("0:0", "0:0", "0:0", "writable"), List.of(inside.strip().split("\n")),
                "the volume directory and the parents jcri made: " + inside);
        Containers.stop(cri, id, 0);
    }

    /**
     * A volume holding a mount of its own (here a tmpfs) shows it inside a user-namespaced
     * container, idmapped like the rest: the view is an open_tree(AT_RECURSIVE) clone idmapped
     * with AT_RECURSIVE. A view of the volume's own mount alone showed the empty directory below.
     */
    @Test
    void aVolumesSubmountIsSeenThroughItsIdmappedView() throws Exception {
        Path sub = Files.createDirectories(volume.resolve("sub"));
        sh("mount", "-t", "tmpfs", "-o", "size=1m", "jcri-test", sub.toString());
        try {
            Files.writeString(sub.resolve("in-submount"), "seen");
            Api.UserNamespace userns = userns(1_270_000);
            Api.PodSandboxConfig pod = podConfig("userns-submount", userns).build();
            String podId = run(pod, "");
            Api.ContainerConfig.Builder config = Containers.config("s", image, "sleep", "600");
            config.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(userns);
            config.addMounts(Api.Mount.newBuilder().setContainerPath("/data").setHostPath(volume.toString()));
            String id = Containers.run(cri, podId, pod, config.build());
            String inside = text(Containers.exec(cri, id, 20, "sh", "-c",
                    "cat /data/sub/in-submount; echo; stat -c '%u:%g' /data/sub/in-submount"));
            assertEquals(List.of("seen", "0:0"), List.of(inside.strip().split("\n")), inside);
            Containers.stop(cri, id, 0);
            Containers.remove(cri, id);
        } finally {
            sh("umount", "-l", sub.toString());
        }
    }

    /**
     * An image of 120 layers in a user namespace: the idmapped view's absolute lower paths filled
     * mount(2)'s one page of options at about 40 layers ("does not fit in overlay's mount
     * options"); deeper chains are now mounted with paths relative to the view.
     */
    @Test
    void anImageOfManyLayersRunsInAUserNamespace() throws Exception {
        dev.jcri.conformance.registry.TestImage.Builder deep = dev.jcri.conformance.registry.TestImages.busyboxBuilder();
        for (int i = 0; i < 120; i++) {
            deep.layer(dev.jcri.conformance.registry.TestLayer.builder().file("/layers/" + i, "l" + i).build());
        }
        String ref = Containers.registry().push("userns/deep:1", deep.build()).reference();
        cri.images().pullImage(Api.PullImageRequest.newBuilder().setImage(Api.ImageSpec.newBuilder().setImage(ref)).build());
        Api.UserNamespace userns = userns(1_280_000);
        Api.PodSandboxConfig pod = podConfig("userns-deep", userns).build();
        String podId = run(pod, "");
        Api.ContainerConfig.Builder config = Containers.config("d", ref, "sleep", "600");
        config.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(userns);
        String id = Containers.run(cri, podId, pod, config.build());
        String inside = text(Containers.exec(cri, id, 20, "sh", "-c", "ls /layers | wc -l; cat /layers/0 /layers/119; echo;"
                + " stat -c '%u:%g' /layers/119 /bin/busybox"));
        assertEquals(List.of("120", "l0l119", "0:0", "0:0"), List.of(inside.strip().split("\\s*\\n\\s*")), inside);
        Containers.stop(cri, id, 0);
    }

    private static void sh(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", argv) + ": " + out);
    }

    @Test
    void aPodSharingItsPidNamespaceHasItsInfraProcessInItsUserNamespace() {
        Api.UserNamespace userns = userns(1_250_000);
        Api.PodSandboxConfig.Builder builder = Pods.config("userns-shared-pid", true, Api.NamespaceMode.POD)
                .setLogDirectory(logs.toString());
        builder.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(userns);
        Api.PodSandboxConfig pod = builder.build();
        String podId = run(pod, "");
        String id = Containers.run(cri, podId, pod, Containers.config("c", image, "sleep", "600").build());
        String inside = text(Containers.exec(cri, id, 20, "sh", "-c", "id -u; tr '\\0' ' ' < /proc/1/cmdline; echo;"
                + " cat /proc/1/uid_map"));
        String[] lines = inside.strip().split("\n");
        assertEquals("0", lines[0].strip(), inside);
        assertTrue(lines[1].contains("catatonit"), "PID 1 is the pod's infra process: " + inside);
        assertTrue(lines[2].strip().startsWith("0") && lines[2].contains("1250000"), "in the pod's user namespace: " + inside);
        Containers.stop(cri, id, 0);
    }

    @Test
    void statusAdvertisesUserNamespacesForEveryHandlerThatRunsThem() {
        Api.StatusResponse status = cri.runtime().status(Api.StatusRequest.getDefaultInstance());
        for (Api.RuntimeHandler h : status.getRuntimeHandlersList()) {
            assertTrue(h.getFeatures().getUserNamespaces(), "handler '" + h.getName() + "' runs user-namespaced pods here");
        }
        assertTrue(!status.getFeatures().getUserNamespacesHostNetwork(), "host network with a user namespace is refused");
    }

    @Test
    void optionsThatCannotBeHonouredAreRefusedNamingTheField() {
        Api.IDMapping ok = Api.IDMapping.newBuilder().setHostId(1_300_000).setLength(LENGTH).build();
        String prefix = "config.linux.security_context.namespace_options.";
        List<Case> cases = List.of(
                new Case("mode CONTAINER", "userns_options.mode", ns -> ns.setUsernsOptions(Api.UserNamespace.newBuilder()
                        .setMode(Api.NamespaceMode.CONTAINER).addUids(ok).addGids(ok))),
                new Case("mode TARGET", "userns_options.mode", ns -> ns.setUsernsOptions(Api.UserNamespace.newBuilder()
                        .setMode(Api.NamespaceMode.TARGET).addUids(ok).addGids(ok))),
                new Case("two uid mappings", "userns_options.uids", ns -> ns.setUsernsOptions(Api.UserNamespace.newBuilder()
                        .setMode(Api.NamespaceMode.POD).addUids(ok).addUids(ok.toBuilder().setContainerId(LENGTH)).addGids(ok))),
                new Case("no gid mapping", "userns_options.gids", ns -> ns.setUsernsOptions(Api.UserNamespace.newBuilder()
                        .setMode(Api.NamespaceMode.POD).addUids(ok))),
                new Case("root unmapped", "userns_options.uids[0].container_id", ns -> ns.setUsernsOptions(
                        Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD).addUids(ok.toBuilder().setContainerId(1))
                                .addGids(ok))),
                new Case("the node's root", "userns_options.gids[0].host_id", ns -> ns.setUsernsOptions(
                        Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD).addUids(ok)
                                .addGids(ok.toBuilder().setHostId(0)))),
                new Case("overflow", "userns_options.uids[0].length", ns -> ns.setUsernsOptions(
                        Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD).addUids(ok.toBuilder().setHostId(-2))
                                .addGids(ok))),
                new Case("mappings with mode NODE", "userns_options", ns -> ns.setUsernsOptions(
                        Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.NODE).addUids(ok).addGids(ok))),
                new Case("host network", "network", ns -> ns.setNetwork(Api.NamespaceMode.NODE)
                        .setUsernsOptions(Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD).addUids(ok).addGids(ok))));
        int before = cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount();
        for (Case c : cases) {
            Api.PodSandboxConfig.Builder pod = Pods.config("bad-userns", true, Api.NamespaceMode.CONTAINER);
            c.mutate().accept(pod.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> run(pod.build(), ""), c.name());
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), c.name() + ": " + e.getStatus());
            assertTrue(e.getStatus().getDescription().contains(prefix + c.field()), c.name() + ": " + e.getStatus());
        }
        assertEquals(before, cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount(),
                "no pod made");
    }

    @Test
    void aContainerCannotLeaveOrChangeItsPodsUserNamespace() {
        Api.UserNamespace userns = userns(1_400_000);
        Api.PodSandboxConfig pod = podConfig("userns-container", userns).build();
        String podId = run(pod, "");
        for (Api.UserNamespace other : List.of(Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.NODE).build(),
                userns(1_500_000))) {
            Api.ContainerConfig.Builder config = Containers.config("c", image, "true");
            config.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setUsernsOptions(other);
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> Containers.create(cri, podId, pod, config.build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
            assertTrue(e.getStatus().getDescription().contains("namespace_options.userns_options"), e.getStatus().toString());
        }
        Api.ContainerConfig.Builder privileged = Containers.config("p", image, "true");
        privileged.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> Containers.create(cri, podId, pod, privileged.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    }

    private record Case(String name, String field, Consumer<Api.NamespaceOption.Builder> mutate) {}
}
