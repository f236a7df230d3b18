package dev.jcri.server.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.errors.JcriException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StreamTokensTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final StreamTokens tokens = new StreamTokens(Duration.ofMinutes(1), now::get);
    private final PendingStream exec = new PendingStream.Exec("c", List.of("true"), false, false, true, false);

    @Test
    void aTokenIsUsedUpByItsFirstUse() throws Exception {
        String token = tokens.issue(exec);
        assertEquals(exec, tokens.take(token).orElseThrow());
        assertTrue(tokens.take(token).isEmpty());
    }

    @Test
    void anExpiredTokenIsWorthless() throws Exception {
        String token = tokens.issue(exec);
        now.addAndGet(Duration.ofMinutes(1).toNanos() + 1);
        assertTrue(tokens.take(token).isEmpty());
    }

    @Test
    void tokensAreRandomAndUrlSafe() throws Exception {
        String a = tokens.issue(exec);
        String b = tokens.issue(exec);
        assertNotEquals(a, b);
        assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a);
    }

    @Test
    void waitingTokensAreBoundedAndExpiredOnesMakeRoom() throws Exception {
        for (int i = 0; i < StreamTokens.MAX_PENDING; i++) {
            tokens.issue(exec);
        }
        JcriException full = assertThrows(JcriException.class, () -> tokens.issue(exec));
        assertEquals(JcriException.Kind.RESOURCE_EXHAUSTED, full.kind());
        now.addAndGet(Duration.ofMinutes(2).toNanos());
        tokens.issue(exec);
        assertEquals(1, tokens.size());
    }
}
