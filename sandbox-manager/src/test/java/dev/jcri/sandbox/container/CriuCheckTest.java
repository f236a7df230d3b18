package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
