package dev.jcri.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real jcri daemon in its own process, on a private socket, root and state under one directory:
 * what the suite and the benchmark start when no external endpoint is given. Its stderr goes to
 * {@code <dir>/jcri.log}.
 */
public final class JcriProcess implements AutoCloseable {

    private static final Pattern METRICS_LINE = Pattern.compile("metrics on http://([^/]+)/metrics");

    private final Path dir;
    private final Process process;
    private final Path log;
    /** Where this run's output starts in the (appended) log: earlier runs in the same dir wrote before it. */
    private final long logStart;

    private JcriProcess(Path dir, Process process, Path log, long logStart) {
        this.dir = dir;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /** Where the packaged daemon is: {@code -Djcri.jar} (set by the build), else the build tree's path. */
    public static Path jar() {
        return Path.of(System.getProperty("jcri.jar", "cri-server/target/jcri.jar"));
    }

    public static Path java() {
        return Path.of(System.getProperty("jcri.java", ProcessHandle.current().info().command().orElse("java")));
    }

    /**
     * Starts jcri in {@code dir} with extra arguments, without waiting for it to serve. Socket,
     * root and state default to {@code dir}; a flag in {@code extraArgs} replaces the default.
     */
    public static JcriProcess launch(Path dir, List<String> extraArgs) throws IOException {
        return launch(dir, javaLauncher(List.of()), extraArgs);
    }

    /**
     * The command that runs the packaged daemon on this JVM, with extra JVM flags (e.g.
     * {@code -Xmx64m}, so that a test sees unbounded buffering kill the daemon). As the production
     * launcher does, the JVM exits on OutOfMemoryError: a heap defect shows as a dead daemon.
     */
    public static List<String> javaLauncher(List<String> jvmFlags) {
        List<String> command = new ArrayList<>(List.of(java().toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar().toString()));
        return command;
    }

    /**
     * As {@link #launch(Path, List)}, with the command that runs the daemon before its arguments:
     * e.g. {@code [".../bin/jcri"]}, the production launcher and its JVM flags (the benchmark).
     * The launcher must exec the JVM, so that {@link #process()} is the daemon itself.
     */
    public static JcriProcess launch(Path dir, List<String> launcher, List<String> extraArgs) throws IOException {
        return launch(dir, launcher, extraArgs, java.util.Map.of());
    }

    /**
     * As {@link #launch(Path, List, List)}, with variables added to the daemon's environment
     * (e.g. systemd's {@code NOTIFY_SOCKET}); a null value removes the variable.
     */
    public static JcriProcess launch(Path dir, List<String> launcher, List<String> extraArgs,
            java.util.Map<String, String> environment) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(launcher);
        addDefault(command, extraArgs, "--socket", dir.resolve("jcri.sock").toString());
        addDefault(command, extraArgs, "--root", dir.resolve("root").toString());
        addDefault(command, extraArgs, "--state", dir.resolve("state").toString());
        addDefault(command, extraArgs, "--metrics-address", "127.0.0.1:0");
        command.addAll(extraArgs);
        Path log = dir.resolve("jcri.log");
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("LC_ALL", "C.UTF-8"); // as bin/jcri does: layer file names are UTF-8
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new JcriProcess(dir, process, log, logStart);
    }

    private static void addDefault(List<String> command, List<String> extraArgs, String flag, String value) {
        if (!extraArgs.contains(flag)) {
            command.add(flag);
            command.add(value);
        }
    }

    /** Starts jcri and waits until its socket answers a connection. */
    public static JcriProcess start(Path dir, List<String> extraArgs) throws IOException {
        JcriProcess jcri = launch(dir, extraArgs);
        jcri.awaitServing(Duration.ofMinutes(2));
        return jcri;
    }

    /** Starts jcri with {@code launcher} (see {@link #launch(Path, List, List)}) and waits until it serves. */
    public static JcriProcess start(Path dir, List<String> launcher, List<String> extraArgs) throws IOException {
        JcriProcess jcri = launch(dir, launcher, extraArgs);
        jcri.awaitServing(Duration.ofMinutes(2));
        return jcri;
    }

    public void awaitServing(Duration timeout) {
        try {
            awaitReadyLine(timeout);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; its log so far:\n" + logText(), e);
        }
    }

    private void awaitReadyLine(Duration timeout) {
        Deadline.await("jcri to serve on " + socket() + " (log: " + log + ")", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("jcri exited with " + process.exitValue() + " before serving:\n" + logText());
            }
            return (logText().contains("jcri ") && logText().contains(" ready ")) ? Boolean.TRUE : null;
        });
    }

    public Path dir() {
        return dir;
    }

    public Path socket() {
        return dir.resolve("jcri.sock");
    }

    public Path root() {
        return dir.resolve("root");
    }

    public Path state() {
        return dir.resolve("state");
    }

    public Process process() {
        return process;
    }

    /** This run's output (stdout and stderr). */
    public String logText() {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** host:port of the metrics endpoint, from the daemon's log. */
    public Optional<String> metricsAddress() {
        Matcher m = METRICS_LINE.matcher(logText());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Sends SIGTERM and waits for the exit status. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("jcri did not exit within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL, as a crash: no shutdown code runs. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM and a wait; interrupted, it kills instead and keeps the interrupt for the caller. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                terminate(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
