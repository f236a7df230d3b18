package dev.jcri.linux;

import java.io.IOException;

/** A child process exited non-zero or timed out; carries the full {@link ProcessResult}. */
public class ProcessFailedException extends IOException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_STDERR_IN_MESSAGE = 2000;

    private final transient ProcessResult result;

    public ProcessFailedException(ProcessResult result) {
        super(describe(result));
        this.result = result;
    }

    public ProcessResult result() {
        return result;
    }

    private static String describe(ProcessResult r) {
        String what = r.timedOut() ? "timed out after " + r.elapsed().toMillis() + " ms and was killed"
                : "exited with status " + r.exitCode();
        String err = r.stderrText().strip();
        if (err.length() > MAX_STDERR_IN_MESSAGE) {
            err = err.substring(0, MAX_STDERR_IN_MESSAGE) + "...";
        }
        return String.join(" ", r.command()) + " " + what + (err.isEmpty() ? "" : ": " + err);
    }
}
