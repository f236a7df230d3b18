package dev.jcri.sandbox.container;

import dev.jcri.linux.CapturedOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What runs the containers of one runtime handler: the seam between the container life cycle
 * (records, snapshots, specs, states) and the processes that create, run and watch containers.
 * The production implementation is {@link ConmonRuntime} (conmon as the monitor, runc or crun as
 * the OCI runtime); tests put a runtime that fails at a chosen step behind it.
 *
 * <p>Every method is keyed by container ID; what the implementation keeps per container (bundle,
 * control FIFO, pid files) lives in {@link ContainerPaths}. Exits are reported asynchronously
 * through the exit directory the implementation writes (see {@link ExitWatcher}).
 */
public interface ContainerRuntime {

    /** The RuntimeClass handler this runtime serves ("runc", "crun"). */
    String handler();

    /** What the runtime reported it can do. */
    RuntimeFeatures features();

    /** What creating one container needs beyond its bundle (config.json and rootfs in {@link ContainerPaths#bundle}). */
    record CreateRequest(String containerId, String name, Path logPath, boolean terminal, boolean stdin, boolean stdinOnce) {}

    /**
     * Creates the container (its init waits for {@link #start}) and the monitor beside it; returns
     * the init process's pid once the container exists.
     */
    long create(CreateRequest request, Duration timeout) throws IOException;

    /**
     * Restores a checkpointed container (CRIU's images in {@code imageDir}, its bundle ready as for
     * {@link #create}) and the monitor beside it; returns the restored init's pid. Unlike create,
     * the container runs when this returns: CRIU brings its processes back where they were.
     */
    long restore(CreateRequest request, Path imageDir, Duration timeout) throws IOException;

    void start(String id) throws IOException;

    /** Sends a signal to the container's init; a container whose process is already gone is not an error. */
    void signal(String id, int signal) throws IOException;

    /** The runtime forgets the container, killing what still runs of it; an unknown container is not an error. */
    void delete(String id) throws IOException;

    /** The runtime's view of a container. */
    enum Status { CREATED, RUNNING, PAUSED, STOPPED }

    /** The container's status as the runtime sees it, or empty when the runtime does not know it. */
    Optional<Status> status(String id) throws IOException;

    /** Whether the container's monitor (the process that reports its exit) is alive. */
    boolean monitorAlive(String id);

    /** Applies new cgroup limits (an OCI LinuxResources JSON document) to a running container. */
    void update(String id, byte[] resourcesJson) throws IOException;

    /** Output and exit code of a process run in a container, and whether its deadline ended it. */
    record ExecOutcome(int exitCode, CapturedOutput stdout, CapturedOutput stderr, boolean timedOut) {}

    /**
     * Runs the process described by {@code processFile} (an OCI process document, see
     * {@link ExecProcess}) in the container, capturing at most {@code outputLimit} bytes per stream;
     * past {@code timeout} the process tree is killed inside the container.
     */
    ExecOutcome exec(String id, Path processFile, Duration timeout, int outputLimit) throws IOException;

    /**
     * The command line that runs the process described by {@code processFile} in the container,
     * for a caller that wires its stdio itself (a streaming exec: pipes or a terminal). Its exit
     * status is the process's; its pid goes to {@code pidFile}, by which the caller ends its tree.
     */
    List<String> execCommand(String id, Path processFile, Path pidFile);

    /** Asks the monitor to reopen the container's log file (after kubelet rotated it). */
    void reopenLog(String id) throws IOException;

    /**
     * Dumps the container's processes (CRIU, through the OCI runtime) as image files into
     * {@code imageDir}, which exists and is empty; with {@code leaveRunning} the container goes on
     * running afterwards, as a CRI checkpoint (forensic, kubelet's) requires.
     */
    void checkpoint(String id, Path imageDir, boolean leaveRunning) throws IOException;

    /** The handler names of a set of runtimes, for messages. */
    static String names(List<? extends ContainerRuntime> runtimes) {
        return String.join(", ", runtimes.stream().map(ContainerRuntime::handler).sorted().toList());
    }
}
