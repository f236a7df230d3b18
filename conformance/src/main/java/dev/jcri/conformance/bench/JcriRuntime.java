package dev.jcri.conformance.bench;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * jcri for the benchmark: the packaged daemon started with the production launcher ({@code bin/jcri},
 * so with its JVM flags) on a private socket, root and state, the benchmark's CNI network, cgroupfs.
 */
public final class JcriRuntime implements BenchRuntime {

    private final List<String> launcher;
    private final List<String> args;
    private final double firstStartMillis;
    private final double recordingStartMillis;
    private volatile JcriProcess process;
    private volatile CriClient client;
    private boolean stopped;

    private JcriRuntime(JcriProcess process, List<String> launcher, List<String> args, double firstStartMillis,
            double recordingStartMillis) {
        this.process = process;
        this.recordingStartMillis = recordingStartMillis;
        this.launcher = launcher;
        this.args = args;
        this.firstStartMillis = firstStartMillis;
        this.client = new CriClient(process.socket());
    }

    /**
     * @param launcher the command that runs the daemon ({@code [".../bin/jcri"]}), or empty for
     *     {@code java -jar jcri.jar} as the suite starts it
     */
    public static JcriRuntime start(Path dir, List<String> launcher, Path cniConfDir, String cniBinDir) throws IOException {
        Files.createDirectories(dir);
        Path config = Files.writeString(dir.resolve("jcri.toml"), """
                cgroup_driver = "cgroupfs"
                log_level = "info"
                [cni]
                conf_dir = "%s"
                bin_dirs = ["%s"]
                """.formatted(cniConfDir, cniBinDir));
        List<String> args = List.of("--config", config.toString());
        double recording = launcher.isEmpty() ? Double.NaN : primeAotCache(dir.resolve("aot-prime"), launcher, args);
        long exec = System.nanoTime();
        JcriProcess p = launch(dir, launcher, args);
        double ms = firstAnswer(p, exec);
        return new JcriRuntime(p, launcher, args, ms, recording);
    }

    /**
     * One start and stop of the daemon, on a root and state of its own, before the measured ones.
     * The launcher records the JVM's AOT cache in the first run after a build (written when it
     * exits) and every later start uses it. Unprimed, the measured first start and the memory of
     * that first daemon (its classes in metaspace, the recording's own overhead) were those of a
     * run that happens once per upgrade, and differed between benchmark runs by whether a cache
     * was left from before. Primed, every measured start is a usual start; this one is timed too,
     * and reported as the start after an upgrade when it recorded (NaN when a cache was there).
     */
    private static double primeAotCache(Path dir, List<String> launcher, List<String> args) throws IOException {
        // bin/jcri keeps a build tree's cache beside the jar; a recording run writes jcri.jar.aot.new as it exits
        Path jar = JcriProcess.jar();
        Path recorded = jar.resolveSibling(jar.getFileName() + ".aot.new");
        FileTime launched = FileTime.from(Instant.now());
        long exec = System.nanoTime();
        JcriProcess p = launch(dir, launcher, args);
        double ms;
        try {
            ms = firstAnswer(p, exec);
        } finally {
            try {
                p.terminate(Duration.ofMinutes(2));
            } catch (AssertionError e) {
                // killed: no cache, and the measured first start records it, as without priming
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean wasRecording = Files.exists(recorded) && Files.getLastModifiedTime(recorded).compareTo(launched) >= 0;
        return wasRecording ? ms : Double.NaN;
    }

    private static JcriProcess launch(Path dir, List<String> launcher, List<String> args) throws IOException {
        return launcher.isEmpty() ? JcriProcess.launch(dir, args) : JcriProcess.launch(dir, launcher, args);
    }

    private static double firstAnswer(JcriProcess p, long execNanos) {
        try {
            return FirstAnswer.await(p.socket(), p.process(), execNanos, Duration.ofMinutes(2));
        } catch (IllegalStateException e) {
            p.close();
            throw new IllegalStateException("jcri did not serve: " + e.getMessage() + "; its log:\n" + p.logText(), e);
        }
    }

    @Override
    public double firstStartMillis() {
        return firstStartMillis;
    }

    @Override
    public double recordingStartMillis() {
        return recordingStartMillis;
    }

    @Override
    public synchronized double restart() throws IOException {
        client.close();
        try {
            int code = process.terminate(Duration.ofSeconds(30));
            if (code != 0) {
                throw new IllegalStateException("jcri exited with " + code + " on SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted stopping jcri", e);
        }
        long exec = System.nanoTime();
        JcriProcess next = launch(process.dir(), launcher, args);
        process = next;
        double ms = firstAnswer(next, exec);
        client = new CriClient(next.socket());
        return ms;
    }

    @Override
    public String name() {
        return "jcri";
    }

    @Override
    public String version() {
        runtime.v1.Api.VersionResponse v = client.runtime().version(runtime.v1.Api.VersionRequest.getDefaultInstance());
        return v.getRuntimeName() + " " + v.getRuntimeVersion();
    }

    @Override
    public CriClient client() {
        return client;
    }

    @Override
    public long pid() {
        return process.process().pid();
    }

    @Override
    public String helperMarker() {
        return process.dir().toString() + "/";
    }

    @Override
    public Path dir() {
        return process.dir();
    }

    public JcriProcess process() {
        return process;
    }

    @Override
    public synchronized List<String> stopAndCleanUp() {
        if (stopped) {
            return List.of();
        }
        stopped = true;
        List<String> left = new ArrayList<>();
        client.close();
        try {
            int code = process.terminate(Duration.ofSeconds(30));
            if (code != 0) {
                left.add("jcri exited with " + code + " on SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (AssertionError e) {
            left.add(e.getMessage());
        }
        for (HostProcesses.Proc p : HostProcesses.killMarked(helperMarker(), -1)) {
            left.add("process left running: " + p.pid() + " " + p.comm() + " " + p.cmdline());
        }
        for (String m : HostProcesses.unmountUnder(process.dir())) {
            left.add("mount left: " + m);
        }
        return left;
    }
}
