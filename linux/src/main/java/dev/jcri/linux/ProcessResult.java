package dev.jcri.linux;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * How a child process ended and what it printed (each stream capped by the caller's limit).
 *
 * @param exitCode  the exit status; 128+N when killed by signal N (137 after a timeout kill)
 * @param stdoutTruncated whether stdout produced more than the cap (the rest was read and dropped)
 * @param timedOut  whether the timeout expired and the process tree was killed
 */
public record ProcessResult(List<String> command, int exitCode, byte[] stdout, byte[] stderr,
                            boolean stdoutTruncated, boolean stderrTruncated, boolean timedOut, Duration elapsed) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** Returns this result if the process exited 0 in time, else throws with its stderr in the message. */
    public ProcessResult requireSuccess() throws ProcessFailedException {
        if (!succeeded()) {
            throw new ProcessFailedException(this);
        }
        return this;
    }
}
