package dev.jcri.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command to completion: arguments, environment, optional stdin bytes, a timeout that kills
 * the whole process tree, and bounded capture of stdout and stderr.
 *
 * <pre>{@code
 * ProcessResult r = ChildProcess.command("/usr/lib/cni/bridge")
 *         .environment(Map.of("CNI_COMMAND", "ADD", ...)).stdin(configJson)
 *         .timeout(Duration.ofSeconds(30)).outputLimit(1 << 20).run();
 * }</pre>
 *
 * <p>Why the tree: plugins and runtimes fork helpers; killing only the direct child leaves them
 * running and holding our pipes open. On timeout every process of the tree is first stopped
 * (SIGSTOP, repeated until no new descendant shows up, so nothing can fork or escape while we
 * look), then killed with SIGKILL. A descendant that already left the tree (double fork, parent
 * gone) cannot be found; such daemons are the caller's business.
 *
 * <p>Why the limit: a misbehaving child must not make the daemon buffer gigabytes. Output beyond
 * the limit is read and dropped (the child is never blocked on a full pipe) and the result says so;
 * what is kept is held once ({@link CapturedOutput}).
 * Blocking I/O happens on virtual threads.
 */
public final class ChildProcess {
    private ChildProcess() {}

    /** After the process exits, how long to wait for its pipes to reach EOF (a grandchild may hold them). */
    private static final Duration PIPE_DRAIN_GRACE = Duration.ofSeconds(2);

    public static Builder command(String... argv) {
        return new Builder(List.of(argv));
    }

    public static Builder command(List<String> argv) {
        return new Builder(List.copyOf(argv));
    }

    /** Collects a command's settings; {@link #run()} starts it and waits. */
    public static final class Builder {
        private final List<String> argv;
        private Map<String, String> environment; // null: inherit the JVM's environment
        private final Map<String, String> extraEnvironment = new HashMap<>();
        private Path directory;
        private byte[] stdin;
        private Duration timeout;
        private int outputLimit = 1 << 20;

        private Builder(List<String> argv) {
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
            this.argv = argv;
        }

        /** Replaces the inherited environment entirely (CNI plugins, for one, want exactly theirs). */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        /** Adds or overrides one variable on top of the inherited (or replaced) environment. */
        public Builder env(String name, String value) {
            extraEnvironment.put(name, value);
            return this;
        }

        /** Working directory of the child (the JVM's own cannot be changed per thread). */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /** Bytes written to the child's stdin, which is then closed. Without it stdin is /dev/null. */
        public Builder stdin(byte[] bytes) {
            this.stdin = bytes.clone();
            return this;
        }

        /** Wall-clock limit; when it expires the process tree is killed. None by default. */
        public Builder timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        /** Maximum bytes kept of stdout and (separately) of stderr. Default 1 MiB. */
        public Builder outputLimit(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("negative output limit");
            }
            this.outputLimit = bytes;
            return this;
        }

        public ProcessResult run() throws IOException {
            ProcessBuilder pb = ChildEnvironment.processBuilder(argv);
            if (environment != null) {
                pb.environment().clear();
                pb.environment().putAll(environment);
            }
            pb.environment().putAll(extraEnvironment);
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            long started = System.nanoTime();
            Process process = pb.start();
            BoundedCapture out = BoundedCapture.start(process.getInputStream(), outputLimit, "stdout");
            BoundedCapture err = BoundedCapture.start(process.getErrorStream(), outputLimit, "stderr");
            if (stdin != null) {
                feed(process.getOutputStream(), stdin);
            }
            boolean timedOut = false;
            try {
                if (timeout == null) {
                    process.waitFor();
                } else if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                    timedOut = true;
                    killTree(process.toHandle());
                    process.waitFor();
                }
            } catch (InterruptedException e) {
                killTree(process.toHandle());
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while running " + argv.getFirst() + "; process tree killed");
            }
            out.awaitEof(PIPE_DRAIN_GRACE);
            err.awaitEof(PIPE_DRAIN_GRACE);
            return new ProcessResult(argv, process.exitValue(), out.output(), err.output(), timedOut,
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** Writes stdin on its own thread: a child that writes a lot before reading must not deadlock us. */
    private static void feed(OutputStream stdin, byte[] bytes) {
        Thread.ofVirtual().name("child-stdin").start(() -> {
            try (stdin) {
                stdin.write(bytes);
            } catch (IOException ignored) {
                // The child exited or closed stdin without reading it all: its exit status tells the story.
            }
        });
    }

    /**
     * Stops the whole tree (SIGSTOP until the set stops growing), then SIGKILLs it. Public so that
     * others who start long-lived children can reuse the same technique.
     */
    public static void killTree(ProcessHandle root) {
        Set<Long> stopped = new LinkedHashSet<>();
        for (int round = 0; round < 20; round++) {
            List<Long> fresh = new ArrayList<>();
            if (root.isAlive() && !stopped.contains(root.pid())) {
                fresh.add(root.pid());
            }
            root.descendants().map(ProcessHandle::pid).filter(pid -> !stopped.contains(pid)).forEach(fresh::add);
            if (fresh.isEmpty()) {
                break;
            }
            for (long pid : fresh) {
                signalQuietly(pid, Signals.SIGSTOP);
                stopped.add(pid);
            }
        }
        for (long pid : stopped) {
            signalQuietly(pid, Signals.SIGKILL);
        }
        root.destroyForcibly(); // in case native signalling failed altogether
    }

    private static void signalQuietly(long pid, int signal) {
        try {
            Signals.killIfAlive(pid, signal);
        } catch (NativeCallException e) {
            // EPERM for a process that changed credentials: nothing more we can do to it.
        }
    }

    /** Reads a stream to EOF on a virtual thread into a {@link CapturedOutput}. */
    private static final class BoundedCapture {
        private final CapturedOutput output;
        private final Thread reader;

        private BoundedCapture(InputStream in, int limit, String name) {
            this.output = new CapturedOutput(limit);
            this.reader = Thread.ofVirtual().name("child-" + name).unstarted(() -> output.readFrom(in));
        }

        static BoundedCapture start(InputStream in, int limit, String name) {
            BoundedCapture c = new BoundedCapture(in, limit, name);
            c.reader.start();
            return c;
        }

        void awaitEof(Duration grace) throws InterruptedIOException {
            try {
                reader.join(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading child output");
            }
        }

        CapturedOutput output() {
            return output;
        }
    }
}
