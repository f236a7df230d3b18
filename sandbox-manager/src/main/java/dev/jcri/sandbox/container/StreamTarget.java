package dev.jcri.sandbox.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A running container as the streaming calls (exec, attach) reach it: its runtime, its bundle
 * (where exec process documents and pid files go, and conmon's control FIFO is) and conmon's
 * attach socket. Obtained from {@link ContainerManager#streamTarget}.
 */
public record StreamTarget(ContainerRecord record, ContainerRuntime runtime, Path bundle, Path attachLink) {

    /** Writes the process document of a streaming exec into the bundle (private to root); returns its path. */
    public Path writeExecProcess(String name, List<String> cmd, TerminalSize terminal) throws IOException {
        return ExecProcess.write(bundle, name, cmd, terminal);
    }

    /** conmon's attach socket (SOCK_SEQPACKET), through the short link it made in the attach directory. */
    public Path attachSocket() {
        return attachLink.resolve("attach");
    }

    /** conmon's control FIFO ("1 H W\n" resizes the main process's terminal, "2 0 0\n" reopens the log). */
    public Path controlFifo() {
        return bundle.resolve("ctl");
    }

    /** Whether the container was created with stdin open (CRI ContainerConfig.stdin). */
    public boolean stdin() {
        return ContainerManager.config(record).getStdin();
    }

    /** Whether the container was created with a terminal (CRI ContainerConfig.tty). */
    public boolean tty() {
        return ContainerManager.config(record).getTty();
    }
}
