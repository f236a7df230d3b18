package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class StopSignalsTest {
    @Test
    void requestBeatsImageBeatsDefault() throws Exception {
        assertEquals(3, StopSignals.resolve(Api.Signal.SIGQUIT, "SIGUSR1"));
        assertEquals(10, StopSignals.resolve(Api.Signal.RUNTIME_DEFAULT, "SIGUSR1"));
        assertEquals(15, StopSignals.resolve(Api.Signal.RUNTIME_DEFAULT, ""));
    }

    @Test
    void imageFormats() {
        assertEquals(3, StopSignals.parse("SIGQUIT"));
        assertEquals(3, StopSignals.parse("quit"));
        assertEquals(28, StopSignals.parse("28"));
        assertEquals(37, StopSignals.parse("SIGRTMIN+3"));
        assertEquals(63, StopSignals.parse("RTMAX-1"));
        assertThrows(IllegalArgumentException.class, () -> StopSignals.parse("SIGNOPE"));
        assertThrows(IllegalArgumentException.class, () -> StopSignals.parse("99"));
    }

    @Test
    void everyCriEnumValueMaps() {
        for (Api.Signal s : Api.Signal.values()) {
            if (s != Api.Signal.RUNTIME_DEFAULT && s != Api.Signal.UNRECOGNIZED) {
                int n = StopSignals.fromEnum(s);
                assertEquals(true, n >= 1 && n <= 64, s.name());
            }
        }
        assertEquals(35, StopSignals.fromEnum(Api.Signal.SIGRTMINPLUS1));
        assertEquals(64, StopSignals.fromEnum(Api.Signal.SIGRTMAX));
        assertEquals(9, StopSignals.fromEnum(Api.Signal.SIGKILL));
    }

    @Test
    void badImageSignalNamesTheField() {
        var e = assertThrows(JcriException.class, () -> StopSignals.resolve(Api.Signal.RUNTIME_DEFAULT, "BOGUS"));
        assertEquals("image.config.StopSignal", e.field());
    }

    @Test
    void numbersMapBackToTheCriEnum() {
        assertEquals(Api.Signal.SIGTERM, StopSignals.toEnum(15));
        assertEquals(Api.Signal.SIGUSR1, StopSignals.toEnum(10));
        assertEquals(Api.Signal.SIGRTMINPLUS3, StopSignals.toEnum(37));
        assertEquals(Api.Signal.SIGRTMAX, StopSignals.toEnum(64));
        assertEquals(Api.Signal.RUNTIME_DEFAULT, StopSignals.toEnum(0), "an old record without the signal");
        for (Api.Signal s : Api.Signal.values()) {
            if (s != Api.Signal.RUNTIME_DEFAULT && s != Api.Signal.UNRECOGNIZED) {
                assertEquals(StopSignals.fromEnum(s), StopSignals.fromEnum(StopSignals.toEnum(StopSignals.fromEnum(s))), s.name());
            }
        }
    }
}
