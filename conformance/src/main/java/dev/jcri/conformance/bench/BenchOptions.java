package dev.jcri.conformance.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The benchmark's command line. {@link #usage()} lists every option with its default. */
public record BenchOptions(
        int parallelism,
        int repeats,
        int iterations,
        int pods,
        List<Integer> memoryPods,
        int relistRounds,
        int largeLayers,
        int largeLayerMiB,
        boolean containerd,
        boolean crun,
        boolean warmup,
        Path out,
        Path workDir,
        List<String> jcriLauncher,
        String cniBinDir,
        long settleMillis) {

    public static String usage() {
        return """
                usage: bench [options]
                  --parallelism P      concurrent workers of the parallel runs (default 4)
                  --repeats R          repeats of every measured run; medians are reported (default 3)
                  --iterations I       pod lifecycles per latency run, at each concurrency (default 12)
                  --pods N             pods of the whole-pod-start runs (default 10)
                  --memory-pods LIST   pod counts memory and List/Status latency are measured at
                                       (default 0,10,50,200); the daemon is restarted (timed to its
                                       first answer) at the first and the last count
                  --relist-rounds K    List+Status rounds at each pod count (default 10)
                  --large-layers L     layers of the cold multi-layer pull (default 5)
                  --large-layer-mib M  MiB of random data per layer (default 8)
                  --jcri-only          no containerd (no baseline, no ratios)
                  --no-crun            no jcri (crun) column
                  --no-warmup          skip the warm-up round
                  --quick              a short run: P=4, R=1, I=4, N=4, pods at 0,10,50, K=3, 3 layers of 4 MiB
                  --out DIR            where bench.md and bench.json go (default bench-results)
                  --work-dir DIR       scratch directory (default: a new one under /tmp; removed at the end)
                  --jcri-launcher CMD  command that runs the jcri daemon (default: java -jar jcri.jar;
                                       bin/bench passes bin/jcri: the production JVM flags)
                  --cni-bin-dir DIR    CNI plugins of both runtimes (default /usr/lib/cni, else /opt/cni/bin)
                  --settle-ms MS       pause before each memory sample (default 3000)
                """;
    }

    public static BenchOptions parse(String... args) {
        int parallelism = 4;
        int repeats = 3;
        int iterations = 12;
        int pods = 10;
        List<Integer> memoryPods = List.of(0, 10, 50, 200);
        int relist = 10;
        int largeLayers = 5;
        int largeMiB = 8;
        boolean containerd = true;
        boolean crun = true;
        boolean warmup = true;
        Path out = Path.of("bench-results");
        Path work = null;
        List<String> launcher = List.of();
        String cniBin = null;
        long settle = 3000;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        if (rest.contains("--quick")) {
            repeats = 1;
            iterations = 4;
            pods = 4;
            memoryPods = List.of(0, 10, 50);
            relist = 3;
            largeLayers = 3;
            largeMiB = 4;
        }
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            switch (a) {
                case "--quick" -> { }
                case "--parallelism" -> parallelism = Integer.parseInt(rest.get(++i));
                case "--repeats" -> repeats = Integer.parseInt(rest.get(++i));
                case "--iterations" -> iterations = Integer.parseInt(rest.get(++i));
                case "--pods" -> pods = Integer.parseInt(rest.get(++i));
                case "--memory-pods" -> memoryPods = Arrays.stream(rest.get(++i).split(",")).map(String::strip)
                        .map(Integer::parseInt).sorted().distinct().toList();
                case "--relist-rounds" -> relist = Integer.parseInt(rest.get(++i));
                case "--large-layers" -> largeLayers = Integer.parseInt(rest.get(++i));
                case "--large-layer-mib" -> largeMiB = Integer.parseInt(rest.get(++i));
                case "--jcri-only" -> containerd = false;
                case "--no-crun" -> crun = false;
                case "--no-warmup" -> warmup = false;
                case "--out" -> out = Path.of(rest.get(++i));
                case "--work-dir" -> work = Path.of(rest.get(++i));
                case "--jcri-launcher" -> launcher = List.of(rest.get(++i).split(" "));
                case "--cni-bin-dir" -> cniBin = rest.get(++i);
                case "--settle-ms" -> settle = Long.parseLong(rest.get(++i));
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (parallelism < 1 || repeats < 1 || iterations < 1 || pods < 1) {
            throw new IllegalArgumentException("--parallelism, --repeats, --iterations and --pods must be at least 1");
        }
        return new BenchOptions(parallelism, repeats, iterations, pods, memoryPods, relist, largeLayers, largeMiB, containerd,
                crun, warmup, out, work, launcher, cniBin, settle);
    }
}
