package dev.jcri.linux;

import java.time.Duration;
import java.util.List;

/**
 * How a child process ended and what it printed (each stream capped by the caller's limit).
 *
 * @param exitCode the exit status; 128+N when killed by signal N (137 after a timeout kill)
 * @param out      what it wrote on stdout (up to the limit; {@link CapturedOutput#truncated()} says if more came)
 * @param err      what it wrote on stderr, the same way
 * @param timedOut whether the timeout expired and the process tree was killed
 */
public record ProcessResult(List<String> command, int exitCode, CapturedOutput out, CapturedOutput err,
                            boolean timedOut, Duration elapsed) {

    /** A copy of stdout in one array. */
    public byte[] stdout() {
        return out.bytes();
    }

    /** A copy of stderr in one array. */
    public byte[] stderr() {
        return err.bytes();
    }

    public String stdoutText() {
        return out.text();
    }

    public String stderrText() {
        return err.text();
    }

    /** Whether stdout produced more than the cap (the rest was read and dropped). */
    public boolean stdoutTruncated() {
        return out.truncated();
    }

    public boolean stderrTruncated() {
        return err.truncated();
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
