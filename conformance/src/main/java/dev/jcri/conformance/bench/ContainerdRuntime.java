package dev.jcri.conformance.bench;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import runtime.v1.Api;

/**
 * Debian's containerd (1.6, its built-in CRI plugin) as the baseline: root, state, socket and opt
 * directory of its own under {@code dir}, cgroupfs, runc, the benchmark's CNI config and plugin
 * directory, the local registry as a plain-HTTP mirror of itself, and a sandbox (pause) image from
 * that registry. Network namespaces are kept under its state directory, so nothing of it lives
 * outside {@code dir} except cgroups and the shims' processes.
 */
public final class ContainerdRuntime implements BenchRuntime {

    private final Path dir;
    private volatile Process process;
    private volatile CriClient client;
    private double firstStartMillis;
    private boolean stopped;

    private ContainerdRuntime(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
        this.client = new CriClient(dir.resolve("containerd.sock"));
    }

    private static Process exec(Path dir) throws IOException {
        return new ProcessBuilder(which("containerd").toString(), "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("containerd.log").toFile()))
                .start();
    }

    public static ContainerdRuntime start(Path dir, Path cniConfDir, String cniBinDir, String registryHost, String sandboxImage,
            String runcBinary) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.toml"), config(dir, cniConfDir, cniBinDir, registryHost, sandboxImage, runcBinary));
        Files.deleteIfExists(dir.resolve("containerd.log"));
        long exec = System.nanoTime();
        Process p = exec(dir);
        ContainerdRuntime c = new ContainerdRuntime(dir, p);
        try {
            c.firstStartMillis = FirstAnswer.await(dir.resolve("containerd.sock"), p, exec, Duration.ofSeconds(60));
            Deadline.await("containerd's CRI on " + dir.resolve("containerd.sock"), Duration.ofSeconds(60), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("containerd exited with " + p.exitValue() + ": " + c.log());
                }
                if (!Files.exists(dir.resolve("containerd.sock"))) {
                    return null;
                }
                try {
                    Api.StatusResponse s = c.client.runtime().withDeadlineAfter(2, TimeUnit.SECONDS)
                            .status(Api.StatusRequest.getDefaultInstance());
                    return s.getStatus().getConditionsList().stream().allMatch(Api.RuntimeCondition::getStatus) ? Boolean.TRUE : null;
                } catch (RuntimeException e) {
                    return null;
                }
            });
        } catch (RuntimeException | AssertionError e) {
            c.stopAndCleanUp();
            throw e;
        }
        return c;
    }

    static String config(Path dir, Path cniConfDir, String cniBinDir, String registryHost, String sandboxImage, String runcBinary) {
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = []
                oom_score = 0

                [grpc]
                  address = "%1$s/containerd.sock"

                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"

                [debug]
                  address = ""
                  level = "warn"

                [metrics]
                  address = ""

                [plugins]
                  [plugins."io.containerd.internal.v1.opt"]
                    path = "%1$s/opt"

                  [plugins."io.containerd.grpc.v1.cri"]
                    sandbox_image = "%5$s"
                    stream_server_address = "127.0.0.1"
                    stream_server_port = "0"
                    disable_apparmor = true
                    netns_mounts_under_state_dir = true
                    systemd_cgroup = false
                    # lowering oom_score_adj (pause: -998) needs CAP_SYS_RESOURCE, which some hosts drop
                    restrict_oom_score_adj = true
                    max_concurrent_downloads = 3

                    [plugins."io.containerd.grpc.v1.cri".cni]
                      bin_dir = "%3$s"
                      conf_dir = "%2$s"
                      max_conf_num = 1

                    [plugins."io.containerd.grpc.v1.cri".containerd]
                      default_runtime_name = "runc"
                      snapshotter = "overlayfs"

                      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                        runtime_type = "io.containerd.runc.v2"

                        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                          BinaryName = "%6$s"
                          SystemdCgroup = false
                          Root = "%1$s/runc"

                    [plugins."io.containerd.grpc.v1.cri".registry]
                      [plugins."io.containerd.grpc.v1.cri".registry.mirrors."%4$s"]
                        endpoint = ["http://%4$s"]
                      [plugins."io.containerd.grpc.v1.cri".registry.configs."%4$s".tls]
                        insecure_skip_verify = true
                """.formatted(dir, cniConfDir, cniBinDir, registryHost, sandboxImage, runcBinary);
    }

    static Path which(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IllegalStateException(name + " not found: install it (apt-get install containerd; bin/bench does)");
    }

    @Override
    public double firstStartMillis() {
        return firstStartMillis;
    }

    @Override
    public synchronized double restart() throws IOException {
        client.close();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("containerd did not exit within 30 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted stopping containerd", e);
        }
        long exec = System.nanoTime();
        Process next = exec(dir);
        process = next;
        double ms = FirstAnswer.await(dir.resolve("containerd.sock"), next, exec, Duration.ofSeconds(60));
        client = new CriClient(dir.resolve("containerd.sock"));
        return ms;
    }

    @Override
    public String name() {
        return "containerd";
    }

    @Override
    public String version() {
        return HostProcesses.firstLine(which("containerd").toString(), "--version");
    }

    @Override
    public CriClient client() {
        return client;
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public String helperMarker() {
        return dir + "/";
    }

    @Override
    public Path dir() {
        return dir;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("containerd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public synchronized List<String> stopAndCleanUp() {
        if (stopped) {
            return List.of();
        }
        stopped = true;
        List<String> left = new ArrayList<>();
        client.close();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                left.add("containerd did not exit within 30 s of SIGTERM");
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (HostProcesses.Proc p : HostProcesses.killMarked(helperMarker(), -1)) {
            left.add("process left running: " + p.pid() + " " + p.comm() + " " + p.cmdline());
        }
        for (String m : HostProcesses.unmountUnder(dir)) {
            left.add("mount left: " + m);
        }
        return left;
    }
}
