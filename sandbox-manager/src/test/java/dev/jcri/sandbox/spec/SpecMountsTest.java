package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

class SpecMountsTest {
    @TempDir Path dir;

    private SpecInput.PodFilePaths podFiles() throws Exception {
        Path pod = Files.createDirectories(dir.resolve("pod"));
        for (String f : List.of("hostname", "hosts", "resolv.conf")) {
            Files.writeString(pod.resolve(f), "x\n");
        }
        return new SpecInput.PodFilePaths(pod.resolve("hostname"), pod.resolve("hosts"), pod.resolve("resolv.conf"),
                Files.createDirectories(pod.resolve("shm")));
    }

    private SpecMounts.Result mounts(Api.ContainerConfig c, boolean privileged, boolean ro, ImageConfig image) throws Exception {
        SpecInput in = new SpecInput("c", c, TestInputs.pod(), image, dir.resolve("rootfs"), TestInputs.privateNamespaces(),
                podFiles(), "", false);
        return SpecMounts.of(in, privileged, ro, TestInputs.host());
    }

    private static List<String> destinations(SpecMounts.Result r) {
        return r.mounts().stream().map(OciSpec.Mount::destination).toList();
    }

    private static OciSpec.Mount at(SpecMounts.Result r, String destination) {
        return r.mounts().stream().filter(m -> m.destination().equals(destination)).findFirst().orElseThrow();
    }

    private Api.Mount.Builder mount(String host, String container) {
        return Api.Mount.newBuilder().setHostPath(host).setContainerPath(container);
    }

    @Test
    void defaultsThenPodFilesInOrder() throws Exception {
        SpecMounts.Result r = mounts(TestInputs.container().build(), false, false, TestInputs.image());
        assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
                "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/dev/shm"), destinations(r));
        assertTrue(at(r, "/sys").options().contains("ro"));
        assertTrue(at(r, "/sys/fs/cgroup").options().contains("ro"));
        assertEquals(List.of("rbind", "rprivate", "rw"), at(r, "/etc/hosts").options());
        assertEquals("bind", at(r, "/dev/shm").type());
        assertEquals(dir.resolve("pod/shm").toString(), at(r, "/dev/shm").source());
        assertNull(r.rootfsPropagation());
    }

    @Test
    void privilegedSysIsWritableAndReadonlyRootfsMakesEtcFilesReadonly() throws Exception {
        SpecMounts.Result r = mounts(TestInputs.container().build(), true, true, TestInputs.image());
        assertTrue(!at(r, "/sys").options().contains("ro"));
        assertTrue(!at(r, "/sys/fs/cgroup").options().contains("ro"));
        assertTrue(at(r, "/etc/resolv.conf").options().contains("ro"));
        assertTrue(at(r, "/dev/shm").options().contains("rw"));
    }

    @Test
    void hostIpcBindsTheHostShm() throws Exception {
        SpecInput in = new SpecInput("c", TestInputs.container().build(), TestInputs.pod(), TestInputs.image(), dir,
                TestInputs.privateNamespaces(), new SpecInput.PodFilePaths(null, null, null, null), "", false);
        assertEquals("/dev/shm", at(SpecMounts.of(in, false, false, TestInputs.host()), "/dev/shm").source());
    }

    @Test
    void requestMountReplacesThePodsEtcHostsAndIsSortedByDepth() throws Exception {
        Path hosts = Files.writeString(dir.resolve("kubelet-hosts"), "1.2.3.4 x\n");
        Path data = Files.createDirectories(dir.resolve("data"));
        Path nested = Files.createDirectories(dir.resolve("nested"));
        Api.ContainerConfig c = TestInputs.container()
                .addMounts(mount(nested.toString(), "/data/inner/x").setReadonly(true))
                .addMounts(mount(hosts.toString(), "/etc/hosts"))
                .addMounts(mount(data.toString(), "/data/"))
                .build();
        SpecMounts.Result r = mounts(c, false, false, TestInputs.image());
        List<String> d = destinations(r);
        assertEquals(1, d.stream().filter("/etc/hosts"::equals).count());
        assertEquals(hosts.toString(), at(r, "/etc/hosts").source());
        assertTrue(d.indexOf("/data") < d.indexOf("/data/inner/x"));
        assertTrue(d.indexOf("/data") < d.indexOf("/etc/hostname"), "depth 1 before depth 2");
        assertEquals(List.of("rbind", "rprivate", "ro"), at(r, "/data/inner/x").options());
    }

    @Test
    void propagationModesAndRootfsPropagation() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Api.ContainerConfig slave = TestInputs.container()
                .addMounts(mount(a.toString(), "/a").setPropagation(Api.MountPropagation.PROPAGATION_HOST_TO_CONTAINER)).build();
        SpecMounts.Result r = mounts(slave, false, false, TestInputs.image());
        assertEquals("rslave", r.rootfsPropagation());
        assertTrue(at(r, "/a").options().contains("rslave"));
        Api.ContainerConfig both = TestInputs.container()
                .addMounts(mount(a.toString(), "/b").setPropagation(Api.MountPropagation.PROPAGATION_BIDIRECTIONAL))
                .addMounts(mount(a.toString(), "/a").setPropagation(Api.MountPropagation.PROPAGATION_HOST_TO_CONTAINER)).build();
        SpecMounts.Result r2 = mounts(both, false, false, TestInputs.image());
        assertEquals("rshared", r2.rootfsPropagation());
        assertTrue(at(r2, "/b").options().contains("rshared"));
    }

    @Test
    void missingHostDirectoryIsCreatedAndSymlinksResolved() throws Exception {
        Path target = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);
        Api.ContainerConfig c = TestInputs.container()
                .addMounts(mount(dir.resolve("new/deep").toString(), "/new"))
                .addMounts(mount(link.toString(), "/linked")).build();
        SpecMounts.Result r = mounts(c, false, false, TestInputs.image());
        assertTrue(Files.isDirectory(dir.resolve("new/deep")));
        assertEquals(target.toRealPath().toString(), at(r, "/linked").source());
    }

    @Test
    void recursiveReadOnly() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Api.ContainerConfig ok = TestInputs.container().addMounts(mount(a.toString(), "/a").setReadonly(true).setRecursiveReadOnly(true)).build();
        assertEquals(List.of("rbind", "rprivate", "ro", "rro"), at(mounts(ok, false, false, TestInputs.image()), "/a").options());
        SpecInput in = new SpecInput("c", ok, TestInputs.pod(), TestInputs.image(), dir, TestInputs.privateNamespaces(),
                podFiles(), "", false);
        assertThrows(JcriException.class,
                () -> SpecMounts.of(in, false, false, TestInputs.host().withRecursiveReadOnlyMounts(false)));
    }

    @Test
    void aRefusedMountRefusesTheRequestBeforeAnyHostPathIsCreated() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path missing = dir.resolve("missing/deep");
        Api.ContainerConfig c = TestInputs.container()
                .addMounts(mount(missing.toString(), "/first"))
                .addMounts(mount(a.toString(), "/a").setReadonly(true).setRecursiveReadOnly(true)).build();
        SpecInput in = new SpecInput("c", c, TestInputs.pod(), TestInputs.image(), dir, TestInputs.privateNamespaces(),
                podFiles(), "", false);
        var e = assertThrows(JcriException.class,
                () -> SpecMounts.of(in, false, false, TestInputs.host().withRecursiveReadOnlyMounts(false)));
        assertEquals("config.mounts[1].recursive_read_only", e.field());
        assertTrue(e.getMessage().contains("rro"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("missing")), "mounts[0]'s host path was not created for a refused request");
    }

    @Test
    void devMountDropsDefaultDevSubmounts() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        SpecMounts.Result r = mounts(TestInputs.container().addMounts(mount(a.toString(), "/dev")).build(), false, false, TestInputs.image());
        List<String> d = destinations(r);
        assertTrue(!d.contains("/dev/pts") && !d.contains("/dev/mqueue"));
        assertEquals(a.toString(), at(r, "/dev").source());
    }

    @Test
    void imageVolumesNotCoveredByAMount() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        ImageConfig image = new ImageConfig(List.of(), List.of("sh"), List.of(), "", "",
                List.of("/var/lib/db", "/data/x", "/cache/", "/cache", "/proc/foo"), "", Map.of());
        SpecMounts.Result r = mounts(TestInputs.container().addMounts(mount(a.toString(), "/data")).build(), false, false, image);
        assertEquals(List.of("/var/lib/db", "/cache"), r.imageVolumes());
    }

    @Test
    void aVolumeWithANulByteIsRefusedNotCut() throws Exception {
        ImageConfig image = new ImageConfig(List.of(), List.of("sh"), List.of(), "", "",
                List.of("/data\0/../../etc"), "", Map.of());
        var e = assertThrows(JcriException.class,
                () -> mounts(TestInputs.container().build(), false, false, image));
        assertEquals("image.config.Volumes", e.field());
    }
}
