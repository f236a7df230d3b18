package dev.jcri.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import runtime.v1.Api;

/** Runs busybox tools inside a pod's network namespace (entered with nsenter), for network tests. */
public final class NetTools {

    private static final String BUSYBOX = "/bin/busybox";

    private NetTools() {}

    /** The pinned network namespace of a pod, from its verbose status (jcri's info key). */
    public static Path netns(CriClient cri, String podId) throws IOException {
        String info = cri.runtime().podSandboxStatus(Api.PodSandboxStatusRequest.newBuilder()
                .setPodSandboxId(podId).setVerbose(true).build()).getInfoMap().get("info");
        return Path.of(Json.MAPPER.readTree(info).get("netNamespacePath").asText());
    }

    /** Runs a command in the namespace and returns its exit code and output (bounded wait). */
    public static Result run(Path netns, String... command) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + netns));
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " did not finish within 30 s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A TCP server in the namespace that prints what the first client sends (busybox nc). */
    public static Process listen(Path netns, int port) throws IOException {
        return new ProcessBuilder("nsenter", "--net=" + netns, BUSYBOX, "nc", "-l", "-p", Integer.toString(port))
                .redirectErrorStream(true).start();
    }

    /** Sends a line to ip:port from inside the namespace. */
    public static Result send(Path netns, String ip, int port, String line) throws IOException, InterruptedException {
        return run(netns, "/bin/sh", "-c", "echo " + line + " | " + BUSYBOX + " nc -w 5 " + ip + " " + port);
    }

    /** Reads what a server process printed, waiting up to 20 s for it to end. */
    public static String output(Process server) throws IOException, InterruptedException {
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
        try (InputStream in = server.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public record Result(int exitCode, String output) {}
}
