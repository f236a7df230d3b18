package dev.jcri.sandbox.pod;

import dev.jcri.linux.ChildEnvironment;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.linux.ProcFiles;
import dev.jcri.linux.Signals;
import dev.jcri.sandbox.RuntimeBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pod's infra process, started only when the pod's containers share one PID namespace: PID 1
 * of that namespace must exist before any container joins it and must reap orphaned zombies.
 * Debian's static {@code catatonit -P} (podman's pause) does exactly that and needs no image.
 *
 * <p>Started as {@code sh → nsenter (pod net/ipc/uts) → unshare --pid --fork --kill-child →
 * catatonit -P}: the shell first moves itself into the pod's cgroup so both processes are
 * accounted to the pod; {@code --kill-child} ties catatonit's life to its unshare parent and
 * killing catatonit (PID 1) kills every process of the pod's PID namespace.
 */
public final class InfraProcess {

    private static final String LAUNCH_SCRIPT = """
            for procs in "$@"; do printf '%s\\n' $$ > "$procs" || exit 1; done
            exec ${JCRI_NSENTER_ARGS:+nsenter $JCRI_NSENTER_ARGS} unshare --pid --fork --kill-child "$JCRI_CATATONIT" -P
            """;

    /** The environment variable naming the pod in every process of its infra chain (sh, nsenter, unshare, catatonit). */
    static final String POD_MARKER = "JCRI_INFRA_POD";

    private InfraProcess() {}

    /**
     * Kills every infra process of {@code podId} found by its environment marker, recorded or not
     * (a RunPodSandbox cut between starting it and saving its handle). Idempotent.
     */
    public static void killUnrecorded(String podId) throws IOException {
        byte[] marker = (POD_MARKER + "=" + podId + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        List<ProcessHandle> found = ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid() && environContains(p.pid(), marker))
                .toList();
        for (ProcessHandle p : found) {
            Signals.killIfAlive(p.pid(), 9);
        }
    }

    /** Whether /proc/PID/environ holds {@code entry} as a whole entry (read bounded: at most 64 KiB). */
    private static boolean environContains(long pid, byte[] entry) {
        byte[] env;
        try (var in = Files.newInputStream(Path.of("/proc", Long.toString(pid), "environ"))) {
            env = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return false;
        }
        outer:
        for (int i = 0; i + entry.length <= env.length; i++) {
            if (i > 0 && env[i - 1] != 0) {
                continue;
            }
            for (int j = 0; j < entry.length; j++) {
                if (env[i + j] != entry[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Identity of a running infra process: pid plus its start time, so a reused pid is never mistaken for it. */
    public record Handle(long pid, long startTicks) {
        public Path pidNamespace() {
            return Path.of("/proc", Long.toString(pid), "ns", "pid");
        }
    }

    /**
     * Starts the infra process in the pod's pinned namespaces and cgroup.
     *
     * @param nsPins     kind ("net", "ipc", "uts") → pin file, for the namespaces the pod owns
     * @param cgroupProcs the pod cgroup's cgroup.procs files (one per hierarchy), may be empty
     * @param log         where its stderr goes (a file, never a pipe: the process outlives jcri)
     * @param podId       marks the processes in their environment ({@value #POD_MARKER}), so that a
     *                    process whose start was cut by a crash before its handle was recorded can be found
     */
    public static Handle start(java.util.Map<String, Path> nsPins, List<Path> cgroupProcs, Path log, String podId)
            throws IOException {
        Path catatonit = RuntimeBinaries.find("catatonit")
                .orElseThrow(() -> new IOException("catatonit not found on PATH: it is the infra process of pods sharing a PID namespace (Debian package catatonit)"));
        StringBuilder nsenterArgs = new StringBuilder();
        nsPins.forEach((kind, pin) -> nsenterArgs.append(" --").append(kind).append('=').append(pin));
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", LAUNCH_SCRIPT, "jcri-infra"));
        cgroupProcs.forEach(p -> argv.add(p.toString()));
        PrivateFiles.openOrCreateFile(log).close(); // private from the start: appendTo would make it with the umask's mode
        ProcessBuilder builder = ChildEnvironment.processBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("JCRI_NSENTER_ARGS", nsenterArgs.toString().strip());
        builder.environment().put("JCRI_CATATONIT", catatonit.toString());
        builder.environment().put(POD_MARKER, podId);
        Process launcher = builder.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        long pauseMillis = 1;
        while (System.nanoTime() < deadline) {
            Optional<Long> child = launcher.toHandle().children().map(ProcessHandle::pid).findFirst();
            if (child.isPresent() && isCatatonit(child.get())) {
                long pid = child.get();
                return new Handle(pid, startTicks(pid).orElseThrow(() -> new IOException("infra process " + pid + " vanished")));
            }
            if (!launcher.isAlive()) {
                throw new IOException("the infra process exited at start (status " + launcher.exitValue() + "): "
                        + (Files.exists(log) ? Files.readString(log).strip() : ""));
            }
            sleep(pauseMillis);
            pauseMillis = Math.min(pauseMillis * 2, 20);
        }
        launcher.destroyForcibly();
        throw new IOException("the infra process did not start within 10 s");
    }

    /** Whether the process is still the one started (same pid and start time). */
    public static boolean isAlive(Handle handle) {
        return startTicks(handle.pid()).map(t -> t == handle.startTicks()).orElse(false);
    }

    /**
     * Kills the infra process and with it every process in the pod's PID namespace, and waits
     * (bounded) until it is gone. Idempotent.
     */
    public static void kill(Handle handle) throws IOException {
        if (!isAlive(handle)) {
            return;
        }
        Signals.killIfAlive(handle.pid(), 9);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (isAlive(handle)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("infra process " + handle.pid() + " did not die after SIGKILL");
            }
            sleep(2);
        }
    }

    private static boolean isCatatonit(long pid) {
        try {
            return ProcFiles.read(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("catatonit");
        } catch (IOException e) {
            return false;
        }
    }

    /** Field 22 of /proc/PID/stat: start time in clock ticks since boot. A zombie counts as gone. */
    static Optional<Long> startTicks(long pid) {
        try {
            String stat = ProcFiles.read(Path.of("/proc", Long.toString(pid), "stat"));
            String afterComm = stat.substring(stat.lastIndexOf(')') + 2);
            String[] fields = afterComm.split(" ");
            if (fields[0].equals("Z") || fields[0].equals("X")) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(fields[19]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
