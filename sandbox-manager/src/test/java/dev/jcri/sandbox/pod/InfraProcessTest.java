package dev.jcri.sandbox.pod;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.sandbox.RuntimeBinaries;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An infra process whose handle was never recorded (RunPodSandbox cut by a crash right after
 * starting it) is still found and killed by its pod's marker, and only that pod's.
 */
class InfraProcessTest {

    @Test
    void anUnrecordedInfraProcessIsFoundByItsPodAndOnlyItsPod(@TempDir Path dir) throws Exception {
        assumeTrue(RuntimeBinaries.find("catatonit").isPresent(), "catatonit is not installed");
        InfraProcess.Handle mine = InfraProcess.start(Map.of(), List.of(), dir.resolve("mine.log"), "pod-mine");
        InfraProcess.Handle other = InfraProcess.start(Map.of(), List.of(), dir.resolve("other.log"), "pod-other");
        try {
            assertTrue(InfraProcess.isAlive(mine));
            InfraProcess.killUnrecorded("pod-mine");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (InfraProcess.isAlive(mine) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertFalse(InfraProcess.isAlive(mine), "the unrecorded infra process of the pod survived");
            assertTrue(InfraProcess.isAlive(other), "another pod's infra process was killed");
            InfraProcess.killUnrecorded("pod-mine"); // idempotent
        } finally {
            InfraProcess.kill(mine);
            InfraProcess.kill(other);
        }
    }
}
