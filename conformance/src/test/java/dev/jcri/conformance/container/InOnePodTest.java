package dev.jcri.conformance.container;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * Base of container tests that each run in a fresh pod (pod network, private PID namespaces) with
 * the busybox test image pulled and the pod's logs in a temporary directory; the pod and whatever
 * the test left in it are removed after each test.
 */
@ExtendWith(SharedRuntime.class)
abstract class InOnePodTest {

    @TempDir
    Path logs;

    CriClient cri;
    String image;
    Api.PodSandboxConfig pod;
    String podId;

    @BeforeEach
    void createPod(CriClient cri) throws Exception {
        this.cri = cri;
        this.image = Containers.busybox(cri);
        this.pod = Containers.pod(getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT), true, Api.NamespaceMode.CONTAINER, logs);
        this.podId = Pods.run(cri, pod);
    }

    @AfterEach
    void removePod() {
        Pods.stopAndRemove(cri, podId);
    }
}
