package dev.jcri.sandbox.container;

import dev.jcri.linux.ChildProcess;
import dev.jcri.linux.ProcessResult;
import dev.jcri.sandbox.RuntimeBinaries;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Whether CRIU can checkpoint on this host: {@code criu check} (kernel features, vdso, ...) run
 * once, on the first CheckpointContainer, and its answer kept for the daemon's life (the kernel
 * does not change under a running daemon; installing criu needs a restart to be seen).
 */
final class CriuCheck implements Supplier<Optional<String>> {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int OUTPUT_LIMIT = 64 * 1024;
    /** How much of criu's complaint goes into the error: its first lines say what is missing. */
    private static final int REASON_LINES = 4;

    private final Supplier<Optional<String>> probe;
    private Optional<String> answer;

    /** The real check: criu on the PATH (or Debian's usual directories), {@code criu check}. */
    CriuCheck() {
        this(CriuCheck::probe);
    }

    CriuCheck(Supplier<Optional<String>> probe) {
        this.probe = probe;
    }

    /** Why CRIU cannot checkpoint here, or empty when it can. */
    @Override
    public synchronized Optional<String> get() {
        if (answer == null) {
            answer = probe.get();
        }
        return answer;
    }

    private static Optional<String> probe() {
        var criu = RuntimeBinaries.find("criu");
        if (criu.isEmpty()) {
            return Optional.of("criu is not installed (install the criu package: apt install criu)");
        }
        ProcessResult r;
        try {
            r = ChildProcess.command(criu.get().toString(), "check").timeout(TIMEOUT).outputLimit(OUTPUT_LIMIT).run();
        } catch (IOException e) {
            return Optional.of(criu.get() + " check could not run: " + e.getMessage());
        }
        if (r.succeeded()) {
            return Optional.empty();
        }
        return Optional.of(criu.get() + " check failed (exit " + r.exitCode() + "): " + firstLines(r));
    }

    /** The first non-blank lines of what criu printed (stderr first: its errors go there). */
    static String firstLines(ProcessResult r) {
        String text = (r.stderrText() + "\n" + r.stdoutText()).lines().map(String::strip).filter(l -> !l.isEmpty())
                .limit(REASON_LINES).collect(Collectors.joining("; "));
        return text.isEmpty() ? "no output" : text;
    }
}
