package dev.jcri.conformance.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.conformance.Json;
import dev.jcri.conformance.SharedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark tool runs end to end against jcri alone and writes its table and JSON. Not a timed
 * check: nothing here depends on how fast anything is (the benchmark runs on demand: bin/bench).
 */
class BenchmarkSmokeTest {

    @Test
    void producesATableAndJsonAgainstJcri(@TempDir Path out) throws Exception {
        Assumptions.assumeTrue(SharedRuntime.externalEndpoint() == null, "runs its own jcri");
        BenchOptions options = BenchOptions.parse("--jcri-only", "--no-crun", "--no-warmup", "--repeats", "1", "--iterations", "2",
                "--pods", "2", "--parallelism", "1", "--memory-pods", "0,2", "--relist-rounds", "1", "--large-layers", "2",
                "--large-layer-mib", "1", "--settle-ms", "200", "--out", out.toString());
        Benchmark.Report report = new Benchmark(options).run();

        String md = Files.readString(out.resolve("bench.md"));
        assertTrue(md.contains("| measure | jcri (runc) |"), md);
        for (String row : new String[] {"| RunPodSandbox p50 (ms) |", "| ExecSync p99 (ms) |", "| PullImage (cold) p95 (ms) |",
                "| c=1, all 2 pods (s) |", "| total PSS (runtime + helpers), 2 pods (MiB) |", "| ListPodSandbox p50, 2 pods (ms) |",
                "| ContainerStatus p95, 2 pods (ms) |", "| first start (empty root) (ms) |", "| restart with 0 pods to recover (ms) |",
                "| restart with 2 pods to recover (ms) |", "| runtime RSS, after the workload (its pods removed) (MiB) |"}) {
            assertTrue(md.contains(row), "missing row " + row + " in:\n" + md);
        }
        assertTrue(!md.contains("left behind"), "jcri left something behind:\n" + md);
        JsonNode json = Json.MAPPER.readTree(report.json());
        assertTrue(json.path("measures").size() > 40, report.json());
        JsonNode first = json.path("measures").get(0);
        assertTrue(first.path("median").path("jcri (runc)").isNumber(), first.toString());
    }
}
