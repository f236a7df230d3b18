package dev.jcri.sandbox.container;

import dev.jcri.linux.CapturedOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ContainerRuntime} that runs nothing: it keeps a status per container, reports exits as
 * conmon does (an exit file in the exit directory, which the real {@link ExitWatcher} reads), and
 * fails the verbs a test names, to reach every failure path of the life cycle.
 */
final class FakeRuntime implements ContainerRuntime {

    private final ContainerPaths paths;
    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    /** Verbs that throw ("create", "start", "delete", ...), each as many times as counted (or forever at -1). */
    private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    volatile boolean monitorAlive = true;
    /** Whether a signal makes the container exit (and its monitor report it). */
    volatile boolean signalsStop = true;
    final Set<String> deleted = ConcurrentHashMap.newKeySet();

    FakeRuntime(ContainerPaths paths) {
        this.paths = paths;
    }

    FakeRuntime failing(String verb, int times) {
        failures.put(verb, new AtomicInteger(times));
        return this;
    }

    private void maybeFail(String verb, String id) throws IOException {
        AtomicInteger left = failures.get(verb);
        if (left != null && left.getAndUpdate(n -> n > 0 ? n - 1 : n) != 0) {
            throw new IOException("fake runtime: " + verb + " " + id + " fails");
        }
    }

    @Override
    public String handler() {
        return "fake";
    }

    @Override
    public RuntimeFeatures features() {
        return RuntimeFeatures.UNREPORTED;
    }

    @Override
    public long create(CreateRequest request, Duration timeout) throws IOException {
        maybeFail("create", request.containerId());
        statuses.put(request.containerId(), Status.CREATED);
        return 4242;
    }

    /** The CRIU image files each restore was given, by container (file name → content). */
    final Map<String, Map<String, String>> restoredFrom = new ConcurrentHashMap<>();

    @Override
    public long restore(CreateRequest request, Path imageDir, Duration timeout) throws IOException {
        maybeFail("restore", request.containerId());
        Map<String, String> images = new java.util.TreeMap<>();
        try (var files = Files.list(imageDir)) {
            for (Path f : files.toList()) {
                images.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        restoredFrom.put(request.containerId(), images);
        statuses.put(request.containerId(), Status.RUNNING);
        return 4343;
    }

    @Override
    public void start(String id) throws IOException {
        maybeFail("start", id);
        statuses.put(id, Status.RUNNING);
    }

    @Override
    public void signal(String id, int signal) throws IOException {
        maybeFail("signal", id);
        if (signalsStop && statuses.replace(id, Status.STOPPED) != null && monitorAlive) {
            Files.writeString(paths.exitFile(id), Integer.toString(128 + signal));
        }
    }

    /** The container's process dies on its own (its monitor reports it only if alive). */
    void exit(String id, int code) throws IOException {
        statuses.put(id, Status.STOPPED);
        if (monitorAlive) {
            Files.writeString(paths.exitFile(id), Integer.toString(code));
        }
    }

    @Override
    public void delete(String id) throws IOException {
        maybeFail("delete", id);
        statuses.remove(id);
        deleted.add(id);
    }

    @Override
    public Optional<Status> status(String id) {
        return Optional.ofNullable(statuses.get(id));
    }

    @Override
    public boolean monitorAlive(String id) {
        return monitorAlive;
    }

    @Override
    public void update(String id, byte[] resourcesJson) throws IOException {
        maybeFail("update", id);
    }

    @Override
    public ExecOutcome exec(String id, Path processFile, Duration timeout, int outputLimit) throws IOException {
        maybeFail("exec", id);
        return new ExecOutcome(0, CapturedOutput.of(new byte[0]), CapturedOutput.of(new byte[0]), false);
    }

    @Override
    public java.util.List<String> execCommand(String id, Path processFile, Path pidFile) {
        return java.util.List.of("true");
    }

    /** Where each checkpoint was asked to go, by container. */
    final Map<String, Path> checkpoints = new ConcurrentHashMap<>();

    /** Writes one image file, as CRIU would write many. */
    @Override
    public void checkpoint(String id, Path imageDir, boolean leaveRunning) throws IOException {
        maybeFail("checkpoint", id);
        Files.writeString(imageDir.resolve("inventory.img"), "fake image of " + id);
        checkpoints.put(id, imageDir);
        if (!leaveRunning) {
            statuses.put(id, Status.STOPPED);
        }
    }

    @Override
    public void reopenLog(String id) throws IOException {
        maybeFail("reopenLog", id);
    }
}
