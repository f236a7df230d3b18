package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessArgsTest {
    private static final ImageConfig IMAGE = new ImageConfig(List.of("/entry", "-x"), List.of("serve", "--port=80"),
            List.of(), "", "", List.of(), "", Map.of());

    @Test
    void commandReplacesEntrypointAndIgnoresImageCmd() throws Exception {
        assertEquals(List.of("/bin/sh"), ProcessArgs.of(List.of("/bin/sh"), List.of(), IMAGE));
        assertEquals(List.of("/bin/sh", "-c", "id"), ProcessArgs.of(List.of("/bin/sh"), List.of("-c", "id"), IMAGE));
    }

    @Test
    void argsAloneFollowTheEntrypoint() throws Exception {
        assertEquals(List.of("/entry", "-x", "debug"), ProcessArgs.of(List.of(), List.of("debug"), IMAGE));
    }

    @Test
    void neitherUsesEntrypointAndCmd() throws Exception {
        assertEquals(List.of("/entry", "-x", "serve", "--port=80"), ProcessArgs.of(List.of(), List.of(), IMAGE));
    }

    @Test
    void nothingAtAllIsInvalid() {
        var e = assertThrows(JcriException.class,
                () -> ProcessArgs.of(List.of(), List.of(), ImageConfig.empty()));
        assertEquals("command", e.field());
        assertTrue(e.getMessage().contains("no command specified"));
    }

    @Test
    void argsWithoutAnyEntrypointRunTheArgs() throws Exception {
        assertEquals(List.of("ls", "-l"), ProcessArgs.of(List.of(), List.of("ls", "-l"), ImageConfig.empty()));
    }
}
