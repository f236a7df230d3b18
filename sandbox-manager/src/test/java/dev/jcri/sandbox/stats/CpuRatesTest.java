package dev.jcri.sandbox.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CpuRatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstReadingHasNoRateAndTheSecondIsCpuTimeOverWallTime() {
        CpuRates rates = new CpuRates();
        assertEquals(CpuRates.UNKNOWN, rates.nanoCores("c", 10 * SECOND, 5 * SECOND));
        // 1.5 s of CPU in 2 s: 0.75 of a core
        assertEquals(750_000_000L, rates.nanoCores("c", 12 * SECOND, 6_500_000_000L));
        // a busy core for 10 s
        assertEquals(SECOND, rates.nanoCores("c", 22 * SECOND, 16_500_000_000L));
    }

    @Test
    void aReadingRightAfterAnotherIsMeasuredOverTheEarlierSecondNotOverMilliseconds() {
        CpuRates rates = new CpuRates();
        rates.nanoCores("c", 0, 0);
        assertEquals(SECOND / 2, rates.nanoCores("c", 10 * SECOND, 5 * SECOND));
        // 1 ms later, 1 ms of CPU: the window is the kept older sample (0 .. 10.001 s), not 1 ms of noise
        assertEquals((long) ((5 * SECOND + 1_000_000) * 1e9 / (10 * SECOND + 1_000_000)),
                rates.nanoCores("c", 10 * SECOND + 1_000_000, 5 * SECOND + 1_000_000));
    }

    @Test
    void aCounterThatWentBackwardsOrIsUnknownGivesNoRate() {
        CpuRates rates = new CpuRates();
        rates.nanoCores("c", 0, 9 * SECOND);
        assertEquals(CpuRates.UNKNOWN, rates.nanoCores("c", 2 * SECOND, SECOND), "a recreated cgroup");
        assertEquals(SECOND / 2, rates.nanoCores("c", 4 * SECOND, 2 * SECOND), "counted again from the new cgroup");
        assertEquals(CpuRates.UNKNOWN, rates.nanoCores("c", 6 * SECOND, -1));
    }

    @Test
    void goneObjectsAreForgottenAndTheTableIsBounded() {
        CpuRates rates = new CpuRates();
        rates.nanoCores("a", 0, 0);
        rates.nanoCores("b", 0, 0);
        rates.retainOnly(Set.of("b"));
        assertEquals(1, rates.size());
        for (int i = 0; i < CpuRates.MAX_OBJECTS + 10; i++) {
            rates.nanoCores("x" + i, 0, 0);
        }
        assertEquals(CpuRates.MAX_OBJECTS, rates.size());
        assertEquals(CpuRates.UNKNOWN, rates.nanoCores("late", SECOND, SECOND));
        assertEquals(CpuRates.UNKNOWN, rates.nanoCores("late", 3 * SECOND, 2 * SECOND), "no room was made for it");
    }
}
