package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import runtime.v1.Api;

/**
 * ExecSync runs as the container runs, whatever the handler: the same user, groups, capabilities,
 * no-new-privileges and seccomp filter as the container's main process, its environment and
 * working directory. An exec that came out as root (crun's default for an exec without a process
 * file) would hand every probe and {@code kubectl exec} more than the Pod was granted.
 */
@ExtendWith(SharedRuntime.class)
class ExecIdentityTest {

    /** The lines of /proc/PID/status that say who a process is and how it is confined. */
    private static final List<String> IDENTITY = List.of("Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd",
            "CapAmb", "NoNewPrivs", "Seccomp", "Seccomp_filters");

    @TempDir
    Path logs;

    private final List<String> pods = new ArrayList<>();

    /** A sleeping container in a pod of {@code handler} (private PID namespace: its main process is PID 1). */
    private String sleeper(CriClient cri, String handler, Api.ContainerConfig.Builder config) throws Exception {
        Api.PodSandboxConfig pod = Containers.pod("exec-" + handler, true, Api.NamespaceMode.CONTAINER, logs);
        String podId = cri.runtime().runPodSandbox(Api.RunPodSandboxRequest.newBuilder().setConfig(pod)
                .setRuntimeHandler(handler).build()).getPodSandboxId();
        pods.add(podId);
        return Containers.run(cri, podId, pod, config.build());
    }

    @AfterEach
    void removePods(CriClient cri) {
        pods.forEach(p -> Pods.stopAndRemove(cri, p));
    }

    private static String exec(CriClient cri, String id, String... cmd) {
        Api.ExecSyncResponse r = Containers.exec(cri, id, 10, cmd);
        assertEquals(0, r.getExitCode(), () -> List.of(cmd) + " failed: " + r.getStderr().toString(StandardCharsets.UTF_8));
        return r.getStdout().toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> identity(String status) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && IDENTITY.contains(line.substring(0, colon))) {
                out.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return out;
    }

    /** The exec'd process's identity equals the main process's; returns it. */
    private static Map<String, String> execMatchesMainProcess(CriClient cri, String id) {
        Map<String, String> main = identity(exec(cri, id, "cat", "/proc/1/status"));
        Map<String, String> exec = identity(exec(cri, id, "cat", "/proc/self/status"));
        assertEquals(IDENTITY.size(), main.size(), "every identity line present: " + main);
        assertEquals(main, exec, "the exec'd process runs as the container's main process");
        return exec;
    }

    private static Api.ContainerConfig.Builder sleeping(String name, String image) {
        return Containers.config(name, image, "sleep", "600");
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void execRunsAsRunAsUserWithGroupsEnvAndWorkingDir(String handler, CriClient cri) throws Exception {
        Api.ContainerConfig.Builder config = sleeping("uid", Containers.busybox(cri))
                .setWorkingDir("/tmp")
                .addEnvs(Api.KeyValue.newBuilder().setKey("FROM_POD").setValue(com.google.protobuf.ByteString.copyFromUtf8("pod-value")));
        config.getLinuxBuilder().getSecurityContextBuilder()
                .setRunAsUser(Api.Int64Value.newBuilder().setValue(1001))
                .setRunAsGroup(Api.Int64Value.newBuilder().setValue(2002))
                .addSupplementalGroups(3003).addSupplementalGroups(4004);
        String id = sleeper(cri, handler, config);

        Map<String, String> exec = execMatchesMainProcess(cri, id);
        assertEquals("1001\t1001\t1001\t1001", exec.get("Uid"));
        assertEquals("2002\t2002\t2002\t2002", exec.get("Gid"));
        assertEquals("2002 3003 4004", exec.get("Groups"));
        assertEquals("0000000000000000", exec.get("CapEff"), "a non-root user has no effective capabilities");
        assertEquals("uid=1001 gid=2002 groups=2002,3003,4004", exec(cri, id, "id").strip());
        assertEquals("pod-value\n/tmp\n", exec(cri, id, "sh", "-c", "echo $FROM_POD; pwd"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void execRunsAsRunAsUsername(String handler, CriClient cri) throws Exception {
        Api.ContainerConfig.Builder config = sleeping("username", Containers.busybox(cri));
        config.getLinuxBuilder().getSecurityContextBuilder().setRunAsUsername("tester");
        String id = sleeper(cri, handler, config);

        Map<String, String> exec = execMatchesMainProcess(cri, id);
        assertEquals("1000\t1000\t1000\t1000", exec.get("Uid"));
        assertEquals("uid=1000(tester) gid=1000(tester) groups=1000(tester)", exec(cri, id, "id").strip());
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void execKeepsDroppedCapabilitiesNoNewPrivsAndSeccomp(String handler, CriClient cri) throws Exception {
        Api.ContainerConfig.Builder config = sleeping("confined", Containers.busybox(cri));
        config.getLinuxBuilder().getSecurityContextBuilder()
                .setCapabilities(Api.Capability.newBuilder().addDropCapabilities("ALL").addAddCapabilities("NET_ADMIN"))
                .setNoNewPrivs(true)
                .setSeccomp(Api.SecurityProfile.newBuilder().setProfileType(Api.SecurityProfile.ProfileType.RuntimeDefault));
        String id = sleeper(cri, handler, config);

        Map<String, String> exec = execMatchesMainProcess(cri, id);
        assertEquals("0\t0\t0\t0", exec.get("Uid"));
        assertEquals("0000000000001000", exec.get("CapEff"), "only CAP_NET_ADMIN (12)");
        assertEquals("0000000000001000", exec.get("CapBnd"), "nothing can be regained");
        assertEquals("1", exec.get("NoNewPrivs"));
        assertEquals("2", exec.get("Seccomp"), "filter mode");
        assertEquals("rc=1\n", exec(cri, id, "sh", "-c", "unshare -U true 2>/dev/null; echo rc=$?"),
                "RuntimeDefault seccomp refuses new namespaces in the exec too");
    }

    @ParameterizedTest
    @ValueSource(strings = {"runc", "crun"})
    void execOfADefaultContainerGetsTheDefaultSet(String handler, CriClient cri) throws Exception {
        String id = sleeper(cri, handler, sleeping("defaults", Containers.busybox(cri)));
        Map<String, String> exec = execMatchesMainProcess(cri, id);
        assertEquals("00000000a80425fb", exec.get("CapEff"), "containerd's default set, not all of root's");
        assertEquals("0", exec.get("NoNewPrivs"));
    }
}
