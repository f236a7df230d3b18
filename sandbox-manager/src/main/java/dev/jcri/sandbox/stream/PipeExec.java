package dev.jcri.sandbox.stream;

import dev.jcri.sandbox.container.TerminalSize;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/** An exec without a terminal: stdin, stdout and stderr are pipes to the runtime's exec. */
final class PipeExec extends ExecSession {

    private static final int CHUNK = 32 * 1024;

    private final OutputStream stdin;

    PipeExec(String containerId, Process runtime, Path processFile, Path pidFile, boolean stdin, OutputSink sink) {
        super(containerId, runtime, processFile, pidFile);
        this.stdin = stdin ? runtime.getOutputStream() : null;
        pump(Pumps.start("exec-stdout-" + containerId, false, () -> copy(runtime.getInputStream(), OutputSink.Stream.STDOUT, sink)));
        pump(Pumps.start("exec-stderr-" + containerId, false, () -> copy(runtime.getErrorStream(), OutputSink.Stream.STDERR, sink)));
    }

    private static void copy(InputStream in, OutputSink.Stream stream, OutputSink sink) throws Exception {
        byte[] buf = new byte[CHUNK];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (n > 0) {
                    sink.write(stream, buf, 0, n);
                }
            }
        }
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public void resize(TerminalSize size) {
        // no terminal
    }

    @Override
    void releaseStdio() {
        // the JDK closes a child's pipes with the Process
    }
}
