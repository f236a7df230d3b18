package dev.jcri.sandbox.stream;

import dev.jcri.linux.Pty;
import dev.jcri.linux.Signals;
import dev.jcri.sandbox.container.TerminalSize;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * An exec on a terminal. The runtime runs with a terminal of jcri's as its stdio ({@link Pty}'s
 * slave): it makes the container's own terminal for the exec'd process and copies between the two,
 * and on SIGWINCH gives the container's terminal the size of jcri's. So a resize is: set the size
 * of jcri's terminal, then signal the runtime (it is not the terminal's session leader, so the
 * kernel does not signal it by itself). This is how CRI-O runs a terminal exec, and it keeps the
 * runtime's exit status, which a detached exec with a console socket would lose.
 */
final class TerminalExec extends ExecSession {

    private static final int CHUNK = 32 * 1024;

    private final Pty pty;
    private final OutputStream stdin;

    TerminalExec(String containerId, Process runtime, Path processFile, Path pidFile, Pty pty, boolean stdin, OutputSink sink) {
        super(containerId, runtime, processFile, pidFile);
        this.pty = pty;
        this.stdin = stdin ? new TerminalInput(pty) : null;
        pump(Pumps.start("exec-tty-" + containerId, true, () -> {
            byte[] buf = new byte[CHUNK];
            for (int n; (n = pty.read(buf)) >= 0; ) {
                if (n > 0) {
                    sink.write(OutputSink.Stream.STDOUT, buf, 0, n);
                }
            }
        }));
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public void resize(TerminalSize size) throws IOException {
        if (size.columns() == 0 || size.rows() == 0 || !runtime.isAlive()) {
            return;
        }
        pty.resize(size.columns(), size.rows());
        Signals.killIfAlive(runtime.pid(), Signals.SIGWINCH);
    }

    @Override
    void releaseStdio() {
        pty.close();
    }

    /** Terminal input: written to the master. Closing it sends nothing (a raw terminal has no end of file). */
    private static final class TerminalInput extends OutputStream {
        private final Pty pty;

        TerminalInput(Pty pty) {
            this.pty = pty;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            pty.write(b, off, len);
        }
    }
}
