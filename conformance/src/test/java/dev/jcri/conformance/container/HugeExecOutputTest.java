package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.HostileDaemon;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * A container that answers an ExecSync with hundreds of MB on both streams, against a jcri with a
 * 64 MiB heap: the output is cut to the limit per stream, held once, and the answer (both streams
 * together) still fits kubelet's 16 MiB message limit, which the test client shares.
 */
@Timeout(180)
class HugeExecOutputTest {

    /** Per stream: both together fit 16 MiB with room for the message's framing. */
    private static final int LIMIT = 8 * 1024 * 1024 - 1024;

    @TempDir
    Path logs;

    @Test
    void hugeExecOutputIsBoundedAndTheDaemonSurvives() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "needs its own jcri with a small heap");
        try (HostileDaemon jcri = HostileDaemon.start("")) {
            CriClient cri = jcri.cri();
            String image = Containers.busybox(cri);
            Api.PodSandboxConfig pod = Containers.pod("huge-exec", false, Api.NamespaceMode.CONTAINER, logs);
            String podId = Pods.run(cri, pod);
            try {
                String id = Containers.run(cri, podId, pod, Containers.config("talker", image, "sleep", "3600").build());
                for (int round = 0; round < 2; round++) { // twice: nothing of the first answer may linger
                    Api.ExecSyncResponse r = Containers.exec(cri, id, 120, "sh", "-c",
                            "head -c 300000000 /dev/zero; head -c 300000000 /dev/zero >&2; exit 7");
                    assertEquals(7, r.getExitCode());
                    assertEquals(LIMIT, r.getStdout().size(), "stdout cut at the limit");
                    assertEquals(LIMIT, r.getStderr().size(), "stderr cut at the limit");
                    assertTrue(r.getSerializedSize() <= 16 << 20, "fits kubelet's message limit: " + r.getSerializedSize());
                }
                jcri.assertHealthy();
            } finally {
                Pods.stopAndRemove(cri, podId);
            }
            assertEquals(List.of(), HostState.mountsUnder(jcri.dir()), "no mount left");
            assertTrue(Files.isDirectory(jcri.dir()));
        }
    }
}
