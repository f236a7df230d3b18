package dev.jcri.conformance.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.SharedRuntime;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, the bounded form CI runs: the chaos run with 10 SIGKILLs amid churn (a private daemon,
 * directories, cgroup parent, bridge and registry). {@code -Dchaos.seed=S} repeats a run's plan,
 * {@code -Dchaos.kills=N} changes its size; {@code sudo bin/chaos --kills 200} is the full size.
 */
class ChaosTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "the chaos run starts and kills jcri itself");
    }

    @Test
    void tenKillsAmidChurnLoseNothingLeakNothingAndEveryStateIsTrue() throws Exception {
        long seed = Long.getLong("chaos.seed", new Random().nextLong());
        ChaosOptions options = ChaosOptions.defaults(Integer.getInteger("chaos.kills", 10), seed)
                .withWorkDir(dir.resolve("chaos"), false);
        ChaosReport report = new ChaosRun(options, System.err).run();
        System.out.print(report.text());
        assertEquals(ChaosReport.lastLine(report.kills(), 0, 0, 0), report.lastLine(),
                "seed " + seed + " (-Dchaos.seed to run the same plan again); the findings are in the output above");
    }
}
