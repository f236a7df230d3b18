package dev.jcri.sandbox.stream;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.ChildEnvironment;
import dev.jcri.linux.Namespaces;
import dev.jcri.linux.Pty;
import dev.jcri.linux.SeqPacketSocket;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.StreamTarget;
import dev.jcri.sandbox.container.TerminalSize;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.util.Ids;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The container and pod side of the streaming calls, as a small blocking API the streaming server
 * calls from its own threads: exec a command, attach to a container's main process, dial a port
 * inside a pod. The {@code check*} methods validate a request the way the RPC handlers need before
 * they hand out a URL; the others do the work once the client has connected.
 */
public final class ContainerStreams {

    /**
     * Runs the runtime ($@) with the terminal's slave ($0) as its stdio, in a session of its own
     * (setsid; exec keeps the pid, so the exit status and the pid stay the runtime's): the slave is
     * opened there, never by jcri. A session leader (jcri under systemd is one) that opens a
     * terminal makes it its controlling terminal, and would get SIGHUP when the terminal closes.
     * The runtime's session gets the terminal instead, so it also gets the kernel's SIGWINCH.
     */
    private static final String ON_TERMINAL = "exec \"$@\" <\"$0\" >\"$0\" 2>&1";
    private static final ProcessBuilder.Redirect DEV_NULL = ProcessBuilder.Redirect.from(new File("/dev/null"));
    /** Dialing a port on loopback is answered at once (connection or refusal); this only bounds a stuck stack. */
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

    private final ContainerManager containers;
    private final PodSandboxManager pods;

    public ContainerStreams(ContainerManager containers, PodSandboxManager pods) {
        this.containers = containers;
        this.pods = pods;
    }

    /** Validates an Exec request: the container exists and runs, the command is given, some stream is asked for. */
    public void checkExec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            throws IOException {
        if (cmd.isEmpty()) {
            throw JcriException.invalidArgument("cmd", "is empty");
        }
        if (!stdin && !stdout && !stderr) {
            throw JcriException.invalid("one of stdin, stdout or stderr must be true");
        }
        if (tty && stderr) {
            // a terminal merges both outputs: kubelet never asks for both
            throw JcriException.invalidArgument("stderr", "must be false with tty (a terminal has one output)");
        }
        containers.streamTarget(containerId);
    }

    /** Validates an Attach request: the container runs, and stdin only if it was created with stdin. */
    public void checkAttach(String containerId, boolean stdin, boolean stdout, boolean stderr) throws IOException {
        if (!stdin && !stdout && !stderr) {
            throw JcriException.invalid("one of stdin, stdout or stderr must be true");
        }
        StreamTarget target = containers.streamTarget(containerId);
        if (stdin && !target.stdin()) {
            throw JcriException.invalidArgument("stdin", "container " + target.record().id() + " was created without stdin");
        }
    }

    /** Validates a PortForward request: the pod exists and is ready, every port is a TCP port. */
    public void checkPortForward(String podId, List<Integer> ports) throws IOException {
        for (int port : ports) {
            checkPort(port);
        }
        readyPod(podId);
    }

    /**
     * Runs {@code cmd} in the container with the container's own process settings, on a terminal
     * of {@code size} when {@code tty}. Output goes to {@code sink} until the process exits.
     */
    public Session exec(String containerId, List<String> cmd, boolean tty, TerminalSize size, boolean stdin, OutputSink sink)
            throws IOException {
        StreamTarget target = containers.streamTarget(containerId);
        String id = target.record().id();
        String name = "exec-" + Ids.newId().substring(0, 12);
        Path pidFile = target.bundle().resolve(name + ".pid");
        Path processFile = target.writeExecProcess(name + ".json", cmd, tty ? size : null);
        try {
            List<String> argv = target.runtime().execCommand(id, processFile, pidFile);
            if (!tty) {
                Process runtime = ChildEnvironment.processBuilder(argv).redirectInput(stdin ? ProcessBuilder.Redirect.PIPE : DEV_NULL).start();
                return new PipeExec(id, runtime, processFile, pidFile, stdin, sink);
            }
            Pty pty = Pty.open();
            try {
                pty.resize(size.columns(), size.rows());
                List<String> onTerminal = new ArrayList<>(List.of("setsid", "/bin/sh", "-c", ON_TERMINAL,
                        pty.slavePath().toString()));
                onTerminal.addAll(argv);
                Process runtime = ChildEnvironment.processBuilder(onTerminal).redirectInput(DEV_NULL)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                return new TerminalExec(id, runtime, processFile, pidFile, pty, stdin, sink);
            } catch (IOException | RuntimeException e) {
                pty.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(processFile);
            throw e;
        }
    }

    /** Attaches to the container's main process through conmon. */
    public Session attach(String containerId, boolean stdin, OutputSink sink) throws IOException {
        StreamTarget target = containers.streamTarget(containerId);
        if (stdin && !target.stdin()) {
            throw JcriException.invalidArgument("stdin", "container " + target.record().id() + " was created without stdin");
        }
        SeqPacketSocket socket = SeqPacketSocket.connect(target.attachSocket());
        return new AttachSession(target.record().id(), socket, target.controlFifo(), target.tty(), stdin, sink);
    }

    /**
     * A connection to {@code port} on the pod's loopback: made inside the pod's network namespace
     * (a pod on the host's network: on the host). The socket is created on a platform thread that
     * joined the namespace and ends with it (a socket keeps the namespace it was made in, so the
     * channel is then usable from any thread; a virtual thread must never join a namespace, as it
     * moves between carriers). Tries IPv4 loopback, then IPv6, as kubelet does for "localhost".
     */
    public SocketChannel dialPod(String podId, int port) throws IOException {
        checkPort(port);
        PodRecord pod = readyPod(podId);
        Path netns = pod.sharedNamespaces().contains("net") ? pods.paths(pod.id()).namespacePin("net") : null;
        CompletableFuture<SocketChannel> dialed = new CompletableFuture<>();
        Thread.ofPlatform().name("dial-" + Ids.shortId(pod.id()) + "-" + port).daemon().stackSize(256 * 1024).start(() -> {
            try {
                if (netns != null) {
                    Namespaces.enter(netns, Namespaces.CLONE_NEWNET);
                }
                dialed.complete(dialLoopback(port));
            } catch (Throwable e) {
                dialed.completeExceptionally(e);
            }
        });
        try {
            return dialed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted dialing port " + port);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("dialing port " + port + " failed: " + e.getCause(), e.getCause());
        }
    }

    private static SocketChannel dialLoopback(int port) throws IOException {
        IOException first = null;
        for (InetAddress loopback : List.of(InetAddress.ofLiteral("127.0.0.1"), InetAddress.ofLiteral("::1"))) {
            SocketChannel channel = SocketChannel.open();
            try {
                channel.socket().connect(new InetSocketAddress(loopback, port), (int) DIAL_TIMEOUT.toMillis());
                return channel;
            } catch (IOException e) {
                channel.close();
                if (first == null) {
                    first = e;
                }
            }
        }
        throw new IOException("nothing listens on port " + port + " in the pod (" + first.getMessage() + ")", first);
    }

    private PodRecord readyPod(String podId) throws JcriException {
        PodRecord pod = pods.find(podId);
        if (pod.state() != PodState.READY) {
            throw JcriException.failedPrecondition("pod sandbox " + pod.id() + " is not ready (" + pod.state() + ")");
        }
        return pod;
    }

    private static void checkPort(int port) throws JcriException {
        if (port < 1 || port > 65535) {
            throw JcriException.invalidArgument("port", port + " is not a TCP port (1-65535)");
        }
    }
}
