package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.Pods;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/** What a container may do: users and groups, capabilities, seccomp, read-only root, masked paths, volumes, sharing. */
class ContainerSecurityTest extends InOnePodTest {

    /** Runs a command to completion and returns its log's text lines (without the CRI prefix). */
    private String output(Api.ContainerConfig.Builder config) throws Exception {
        String id = Containers.run(cri, podId, pod, config.build());
        Api.ContainerStatus status = Containers.awaitExit(cri, id, Duration.ofSeconds(30));
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(Path.of(status.getLogPath()))) {
            out.append(line.split(" ", 4)[3]).append('\n');
        }
        Containers.remove(cri, id);
        return out.toString();
    }

    @Test
    void runAsUserUsernameAndGroupsResolveAgainstTheImage() throws Exception {
        Api.ContainerConfig.Builder byUid = Containers.config("uid", image, "id");
        byUid.getLinuxBuilder().getSecurityContextBuilder()
                .setRunAsUser(Api.Int64Value.newBuilder().setValue(1000))
                .setRunAsGroup(Api.Int64Value.newBuilder().setValue(2000))
                .addSupplementalGroups(3000);
        String id = output(byUid);
        assertTrue(id.contains("uid=1000") && id.contains("gid=2000") && id.contains("3000"), id);

        Api.ContainerConfig.Builder byName = Containers.config("name", image, "id");
        byName.getLinuxBuilder().getSecurityContextBuilder().setRunAsUsername("nobody");
        assertTrue(output(byName).contains("uid=65534"));
    }

    @Test
    void capabilitiesAreAddedAndDropped() throws Exception {
        Api.ContainerConfig.Builder defaults = Containers.config("caps", image, "grep", "CapEff", "/proc/self/status");
        String defaultCaps = output(defaults).strip();
        assertTrue(defaultCaps.endsWith("a80425fb"), "containerd's default set: " + defaultCaps);

        Api.ContainerConfig.Builder dropped = Containers.config("dropped", image, "grep", "CapEff", "/proc/self/status");
        dropped.getLinuxBuilder().getSecurityContextBuilder().setCapabilities(Api.Capability.newBuilder()
                .addDropCapabilities("ALL").addAddCapabilities("NET_ADMIN"));
        assertTrue(output(dropped).strip().endsWith("0000000000001000"), "only CAP_NET_ADMIN (12)");
    }

    @Test
    void runtimeDefaultSeccompBlocksNamespaceCreation() throws Exception {
        Api.ContainerConfig.Builder confined = Containers.config("seccomp", image, "sh", "-c", "unshare -U true; echo rc=$?");
        confined.getLinuxBuilder().getSecurityContextBuilder().setSeccomp(Api.SecurityProfile.newBuilder()
                .setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault));
        assertTrue(output(confined).contains("rc=1"), "unshare refused");

        Api.ContainerConfig.Builder unconfined = Containers.config("unconfined", image, "sh", "-c", "unshare -U true; echo rc=$?");
        unconfined.getLinuxBuilder().getSecurityContextBuilder().setSeccomp(Api.SecurityProfile.newBuilder()
                .setProfileType(Api.SecurityProfile.ProfileType.Unconfined));
        assertTrue(output(unconfined).contains("rc=0"), "allowed without seccomp");
    }

    @Test
    void readonlyRootfsAndMaskedPaths() throws Exception {
        Api.ContainerConfig.Builder ro = Containers.config("ro", image, "sh", "-c",
                "touch /newfile 2>/dev/null; echo touch=$?; cat /proc/timer_list | wc -c");
        ro.getLinuxBuilder().getSecurityContextBuilder().setReadonlyRootfs(true);
        String out = output(ro);
        assertTrue(out.contains("touch=1"), out);
        String[] lines = out.strip().split("\n");
        assertEquals("0", lines[lines.length - 1].strip(), "masked /proc/timer_list reads empty: " + out);
    }

    @Test
    void hostPathVolumeIsSharedWithTheHost() throws Exception {
        Path shared = Files.createTempDirectory("jcri-volume-");
        Files.writeString(shared.resolve("from-host"), "hello");
        Api.ContainerConfig.Builder config = Containers.config("volume", image, "sh", "-c",
                "cat /data/from-host; echo written > /data/from-container");
        config.addMounts(Api.Mount.newBuilder().setContainerPath("/data").setHostPath(shared.toString())
                .setPropagation(Api.MountPropagation.PROPAGATION_PRIVATE));
        assertTrue(output(config).contains("hello"));
        assertEquals("written\n", Files.readString(shared.resolve("from-container")));

        Api.ContainerConfig.Builder readonly = Containers.config("rovolume", image, "sh", "-c",
                "echo x > /data/nope 2>/dev/null; echo rc=$?");
        readonly.addMounts(Api.Mount.newBuilder().setContainerPath("/data").setHostPath(shared.toString()).setReadonly(true));
        assertTrue(output(readonly).contains("rc=1"));
    }

    @Test
    void containersOfAPodShareNetworkAndIpcButNotPid() throws Exception {
        String a = Containers.run(cri, podId, pod, Containers.config("a", image, "sleep", "600").build());
        String b = Containers.run(cri, podId, pod, Containers.config("b", image, "sleep", "600").build());
        String[] nsA = namespaces(a);
        String[] nsB = namespaces(b);
        assertEquals(nsA[0], nsB[0], "same network namespace");
        assertEquals(nsA[1], nsB[1], "same IPC namespace");
        assertNotEquals(nsA[2], nsB[2], "own PID namespaces");
        assertEquals(Pods.status(cri, podId).getNetwork().getIp(),
                Containers.exec(cri, a, 10, "sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1")
                        .getStdout().toString(StandardCharsets.UTF_8).strip());
        Containers.stop(cri, a, 0);
        Containers.stop(cri, b, 0);
    }

    private String[] namespaces(String id) {
        String out = Containers.exec(cri, id, 10, "sh", "-c",
                "for ns in net ipc pid; do readlink /proc/self/ns/$ns; done").getStdout().toString(StandardCharsets.UTF_8);
        return out.strip().split("\n");
    }
}
