package dev.jcri.conformance.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/** Pods across daemon crashes, and churn: nothing may be lost and nothing may leak. */
class PodRecoveryTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
    }

    @Test
    void podsSurviveKillDashNineAndCanBeStoppedAndRemovedAfter() throws Exception {
        String plain;
        String withInfra;
        JcriProcess first = JcriProcess.start(dir, List.of());
        try (CriClient cri = new CriClient(first.socket())) {
            plain = Pods.run(cri, Pods.config("survivor", false, Api.NamespaceMode.CONTAINER).build());
            withInfra = Pods.run(cri, Pods.config("survivor-pid", false, Api.NamespaceMode.POD).build());
        }
        first.kill();

        try (JcriProcess second = JcriProcess.start(dir, List.of());
                CriClient cri = new CriClient(second.socket())) {
            Set<String> ready = cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsList()
                    .stream().filter(p -> p.getState() == Api.PodSandboxState.SANDBOX_READY)
                    .map(Api.PodSandbox::getId).collect(Collectors.toSet());
            assertEquals(Set.of(plain, withInfra), ready, "both pods are still ready after the crash");
            Pods.stopAndRemove(cri, plain);
            Pods.stopAndRemove(cri, withInfra);
            assertEquals(List.of(), HostState.mountsUnder(second.state()));
            assertEquals(List.of(), HostState.processesOf("catatonit", dir), "no infra process left");
        }
    }

    @Test
    void infraProcessKilledWhileJcriWasDownMarksThePodNotReady() throws Exception {
        String id;
        JcriProcess first = JcriProcess.start(dir, List.of());
        try (CriClient cri = new CriClient(first.socket())) {
            id = Pods.run(cri, Pods.config("orphan", false, Api.NamespaceMode.POD).build());
        }
        first.kill();
        // only this test's infra process: other tests on the host run pods of their own
        for (long pid : HostState.processesOf("catatonit", dir)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        try (JcriProcess second = JcriProcess.start(dir, List.of());
                CriClient cri = new CriClient(second.socket())) {
            assertEquals(Api.PodSandboxState.SANDBOX_NOTREADY, Pods.status(cri, id).getState());
            Pods.stopAndRemove(cri, id);
        }
    }

    @Test
    void hundredPodsCreatedAndRemovedLeaveNothingBehind() throws Exception {
        String cgroupBase = "/jcri-churn-" + ProcessHandle.current().pid();
        try (JcriProcess jcri = JcriProcess.start(dir, List.of());
                CriClient cri = new CriClient(jcri.socket())) {
            for (int i = 0; i < 100; i++) {
                Api.PodSandboxConfig.Builder config = Pods.config("churn" + i, false,
                        i % 4 == 0 ? Api.NamespaceMode.POD : Api.NamespaceMode.CONTAINER);
                config.getLinuxBuilder().setCgroupParent(cgroupBase + "/pod" + i);
                String id = Pods.run(cri, config.build());
                Pods.stopAndRemove(cri, id);
            }
            assertEquals(0, cri.runtime().listPodSandbox(Api.ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
            assertEquals(List.of(), HostState.mountsUnder(jcri.state()));
            assertEquals(List.of(), HostState.cgroupDirs(cgroupBase));
            assertEquals(List.of(), HostState.processesOf("catatonit", dir), "no infra process left");
            try (var records = java.nio.file.Files.list(jcri.root().resolve("pods"))) {
                assertTrue(records.findAny().isEmpty(), "no pod records left");
            }
        }
    }
}
