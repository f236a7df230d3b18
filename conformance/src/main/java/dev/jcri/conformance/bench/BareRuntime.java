package dev.jcri.conformance.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.conformance.Json;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestLayer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The physical limit: the bare OCI runtime CLI ({@code runc} or {@code crun}) creating, starting
 * and deleting the same kind of container jcri makes, with no CRI daemon and no monitor around it.
 *
 * <p>Same bundle: the busybox image's layers extracted once into a lower directory, and for each
 * container a fresh overlay (upper and work directories of its own) as its rootfs; the spec is the
 * very {@code config.json} jcri wrote for a container of the benchmark's workload (a template pod
 * kept running during the measurement, so the namespaces and pod files the spec names exist),
 * with only the rootfs and the cgroup path changed. What is timed is each CLI call, from the JVM's
 * fork to the CLI's exit, as jcri pays it: {@code create} (the container's init waiting for
 * start), {@code start}, {@code exec <id> /bin/true} ({@link #EXECS} of them, one at a time, in the
 * started container: what ExecSync costs at the least), {@code delete --force}. Mounting and
 * unmounting the overlay is not timed.
 */
public final class BareRuntime {

    /** Calls timed per container, in report order. */
    public static final List<String> OPS = List.of("create", "start", "exec", "delete");
    /** Execs timed per container (as many as the lifecycle's ExecSync calls per container). */
    public static final int EXECS = 3;
    /** The samples' name for create and start of one container together. */
    public static final String CREATE_START = "create+start";

    private static final long CALL_TIMEOUT_SECONDS = 60;

    private final Path binary;
    private final Path dir;
    private final Path lower;
    private int serial;

    private BareRuntime(Path binary, Path dir, Path lower) {
        this.binary = binary;
        this.dir = dir;
        this.lower = lower;
    }

    /** The runtime {@code binary} with {@code image}'s layers extracted under {@code dir} (the containers' lower layer). */
    public static BareRuntime prepare(Path binary, Path dir, TestImage image) throws IOException {
        Files.createDirectories(dir);
        Path lower = Files.createDirectories(dir.resolve("lower"));
        for (TestLayer layer : image.layers()) {
            Path tar = dir.resolve("layer.tar");
            Files.write(tar, layer.tar());
            check(exec(List.of("tar", "-x", "-p", "-f", tar.toString(), "-C", lower.toString())), "extracting busybox");
            Files.delete(tar);
        }
        return new BareRuntime(binary, dir, lower);
    }

    /** The runtime's name (runc, crun). */
    public String name() {
        return binary.getFileName().toString();
    }

    /**
     * Makes, starts, execs in and deletes {@code count} containers one at a time; returns each call's
     * latency under {@link #OPS}' names, and the sum of create and start under {@link #CREATE_START}.
     *
     * @param spec a config.json jcri wrote for the workload's container (its pod must stay up meanwhile:
     *     the spec joins its namespaces and mounts its files)
     */
    public Samples run(int count, Path spec, String cgroupParent) throws IOException {
        ObjectNode template = (ObjectNode) Json.MAPPER.readTree(spec.toFile());
        template.remove("hooks"); // none today; a hook would time something else than the runtime
        Samples s = new Samples();
        for (int i = 0; i < count; i++) {
            String id = "bare-" + name() + "-" + ++serial;
            Path bundle = Files.createDirectories(dir.resolve(id));
            Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
            Path upper = Files.createDirectories(bundle.resolve("upper"));
            Path work = Files.createDirectories(bundle.resolve("work"));
            check(exec(List.of("mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work, rootfs.toString())), "mounting the rootfs");
            try {
                ObjectNode own = template.deepCopy();
                ((ObjectNode) own.path("root")).put("path", rootfs.toString());
                ((ObjectNode) own.path("linux")).put("cgroupsPath", cgroupParent + "/" + id);
                Files.writeString(bundle.resolve("config.json"), Json.MAPPER.writeValueAsString(own));
                double create = timed(s, "create", List.of("create", "--bundle", bundle.toString(),
                        "--pid-file", bundle.resolve("pid").toString(), id));
                double start = timed(s, "start", List.of("start", id));
                s.add(CREATE_START, create + start);
                for (int k = 0; k < EXECS; k++) {
                    timed(s, "exec", List.of("exec", id, "/bin/true"));
                }
                timed(s, "delete", List.of("delete", "--force", id));
            } finally {
                exec(List.of(binary.toString(), "--root", state().toString(), "delete", "--force", id)); // after a failure
                exec(List.of("umount", rootfs.toString()));
                HostProcesses.deleteTree(bundle);
            }
        }
        return s;
    }

    private double timed(Samples s, String op, List<String> args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--root", state().toString()));
        argv.addAll(args);
        long t0 = System.nanoTime();
        Result r = exec(argv);
        double ms = (System.nanoTime() - t0) / 1e6;
        check(r, name() + " " + op);
        s.add(op, ms);
        return ms;
    }

    private Path state() {
        return dir.resolve("state-" + name());
    }

    /** Deletes what is left (containers of a failed run, the extracted layers). */
    public void cleanUp() {
        HostProcesses.unmountUnder(dir);
        HostProcesses.deleteTree(dir);
    }

    private record Result(int code, String output) {}

    /** Runs a command with stdio away from the JVM's pipes: a created container inherits the CLI's stdio. */
    private static Result exec(List<String> argv) throws IOException {
        Path out = Files.createTempFile("bare-", ".out");
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + CALL_TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static void check(Result r, String what) throws IOException {
        if (r.code() != 0) {
            throw new IOException(what + " failed (" + r.code() + "): " + r.output());
        }
    }
}
