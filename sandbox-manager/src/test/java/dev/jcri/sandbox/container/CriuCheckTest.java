package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jcri.linux.CapturedOutput;
import dev.jcri.linux.ProcessResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CriuCheckTest {

    @Test
    void probesOnceOnFirstUseAndKeepsTheAnswer() {
        AtomicInteger probes = new AtomicInteger();
        CriuCheck check = new CriuCheck(() -> {
            probes.incrementAndGet();
            return Optional.of("vdso");
        });
        assertEquals(0, probes.get(), "nothing runs before the first checkpoint");
        assertEquals(Optional.of("vdso"), check.get());
        assertEquals(Optional.of("vdso"), check.get());
        assertEquals(1, probes.get());
    }

    /** criu check's errors (stderr) come first, blank lines dropped, at most four lines kept. */
    @Test
    void theReasonIsTheFirstLinesOfCriusComplaint() {
        ProcessResult r = new ProcessResult(List.of("criu", "check"), 1,
                CapturedOutput.of("Looks bad.\n".getBytes(StandardCharsets.UTF_8)),
                CapturedOutput.of(("\nError (criu/vdso.c:639): Failed to parse vdso\n"
                        + "Error (criu/cr-check.c:1):  vdso\nthree\nfour\nfive\n").getBytes(StandardCharsets.UTF_8)),
                false, Duration.ZERO);
        assertEquals("Error (criu/vdso.c:639): Failed to parse vdso; Error (criu/cr-check.c:1):  vdso; three; four",
                CriuCheck.firstLines(r));
    }
}
