package dev.jcri.sandbox.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LogPathsTest {
    @Test
    void joins() throws Exception {
        assertEquals(Path.of("/var/log/pods/ns_p_uid/app/0.log"), LogPaths.of("/var/log/pods/ns_p_uid", "app/0.log"));
        assertEquals(Path.of("/logs/app/0.log"), LogPaths.of("/logs", "/app/0.log"));
    }

    @Test
    void emptyMeansNoLog() throws Exception {
        assertNull(LogPaths.of("", "app/0.log"));
        assertNull(LogPaths.of("/logs", ""));
    }
}
