package dev.jcri.image.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

    @Test
    void aTaskThatFailsToStartDoesNotWedgeItsKey() throws Exception {
        SingleFlight<String, String> flights = new SingleFlight<>();
        // e.g. no thread could be started for the pull: the key must not stay "in flight" forever
        assertThrows(IllegalStateException.class, () -> flights.run("k", () -> {
            throw new IllegalStateException("cannot start");
        }));
        SingleFlight.Flight<String> next = flights.run("k", () -> CompletableFuture.completedFuture("ok"));
        assertTrue(next.leader(), "a later call runs the task again");
        assertEquals("ok", next.future().get(5, TimeUnit.SECONDS));
    }
}
