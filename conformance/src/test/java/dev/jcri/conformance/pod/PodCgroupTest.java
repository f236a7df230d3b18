package dev.jcri.conformance.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * The cgroups jcri creates for pods whose cgroup_parent does not exist yet (critest's case; kubelet
 * makes its own): every one is gone after the last pod using it, in every hierarchy (v1
 * controllers, named hierarchies and the v2 mount of a hybrid node), and a parent shared by several
 * pods never blocks the removal of one of them.
 */
@ExtendWith(SharedRuntime.class)
class PodCgroupTest {

    @TempDir
    Path logs;

    private static String uniqueParent(String what) {
        return "/jcri-cg-" + what + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    }

    private static Api.PodSandboxConfig podUnder(String name, String parent, Path logs) {
        Api.PodSandboxConfig.Builder config = Pods.config(name, false, Api.NamespaceMode.CONTAINER).setLogDirectory(logs.toString());
        config.getLinuxBuilder().setCgroupParent(parent);
        return config.build();
    }

    @Test
    void podsSharingOneCgroupParentKeepItUntilTheLastOneIsRemoved(CriClient cri, JcriProcess jcri) throws Exception {
        String parent = uniqueParent("shared");
        String first = Pods.run(cri, podUnder("cgshare1", parent, logs));
        List<Path> made = HostState.cgroupDirs(parent);
        assertFalse(made.isEmpty(), "jcri made the missing cgroup parent");
        String second = Pods.run(cri, podUnder("cgshare2", parent, logs));

        Pods.stopAndRemove(cri, first);
        assertEquals(made, HostState.cgroupDirs(parent), "the second pod still lives in the shared cgroup");

        Pods.stopAndRemove(cri, second);
        assertEquals(List.of(), HostState.cgroupDirs(parent), "the last pod took the cgroup jcri made with it");
    }

    @Test
    void removingAPodWhileAnotherPodsContainerRunsInTheSharedParentSucceeds(CriClient cri, JcriProcess jcri) throws Exception {
        String image = Containers.busybox(cri);
        String parent = uniqueParent("busy");
        Api.PodSandboxConfig firstConfig = podUnder("cgbusy1", parent, logs);
        Api.PodSandboxConfig secondConfig = podUnder("cgbusy2", parent, logs);
        String first = Pods.run(cri, firstConfig);
        String second = Pods.run(cri, secondConfig);
        Containers.run(cri, first, firstConfig, Containers.config("one", image, "sleep", "600").build());
        String survivor = Containers.run(cri, second, secondConfig, Containers.config("two", image, "sleep", "600").build());

        Pods.stopAndRemove(cri, first); // the shared parent still holds the second pod's container cgroup
        assertEquals(Api.ContainerState.CONTAINER_RUNNING, Containers.status(cri, survivor).getState());
        assertFalse(HostState.cgroupDirs(parent).isEmpty());

        Pods.stopAndRemove(cri, second);
        assertEquals(List.of(), HostState.cgroupDirs(parent), "nothing of the shared parent is left in any hierarchy");
    }

    @Test
    void aPodCgroupIsGoneFromEveryHierarchyAfterItsContainersRan(CriClient cri, JcriProcess jcri) throws Exception {
        String image = Containers.busybox(cri);
        String base = uniqueParent("nested");
        Api.PodSandboxConfig config = podUnder("cgnested", base + "/pod", logs);
        String pod = Pods.run(cri, config);
        String id = Containers.run(cri, pod, config, Containers.config("ran", image, "sleep", "600").build());
        Containers.stop(cri, id, 0);
        Containers.remove(cri, id);
        Pods.stopAndRemove(cri, pod);
        assertEquals(List.of(), HostState.cgroupDirs(base), "the runtime's container cgroups and jcri's pod levels are all gone");
    }

    /** Ownership is recorded, so a restarted jcri removes the levels it made before, and only those. */
    @Test
    void cgroupsMadeBeforeACrashAreRemovedWithTheirLastPodAfterIt(@TempDir Path dir) throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "starts jcri itself");
        String parent = uniqueParent("crash");
        String first;
        String second;
        JcriProcess before = JcriProcess.start(dir, List.of());
        try (CriClient cri = new CriClient(before.socket())) {
            first = Pods.run(cri, podUnder("cgcrash1", parent + "/a", logs));
            second = Pods.run(cri, podUnder("cgcrash2", parent + "/b", logs));
        }
        before.kill();
        try (JcriProcess after = JcriProcess.start(dir, List.of());
                CriClient cri = new CriClient(after.socket())) {
            Pods.stopAndRemove(cri, first);
            assertEquals(List.of(), HostState.cgroupDirs(parent + "/a"));
            assertFalse(HostState.cgroupDirs(parent + "/b").isEmpty());
            Pods.stopAndRemove(cri, second);
            assertEquals(List.of(), HostState.cgroupDirs(parent));
        }
    }
}
