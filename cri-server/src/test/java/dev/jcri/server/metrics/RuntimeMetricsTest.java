package dev.jcri.server.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A conmon counts as alive only when its pid file names a live process that is conmon. */
class RuntimeMetricsTest {

    @TempDir
    Path dir;

    @Test
    void aPidOfAnotherProgramGarbageOrNoFileIsNotAConmon() throws Exception {
        Path pidFile = dir.resolve("conmon.pid");
        assertFalse(RuntimeMetrics.conmonAlive(pidFile), "no file");
        Files.writeString(pidFile, Long.toString(ProcessHandle.current().pid()));
        assertFalse(RuntimeMetrics.conmonAlive(pidFile), "a recycled pid: this JVM is not conmon");
        Files.writeString(pidFile, "../self");
        assertFalse(RuntimeMetrics.conmonAlive(pidFile), "not a pid");
        Files.writeString(pidFile, "99999999999");
        assertFalse(RuntimeMetrics.conmonAlive(pidFile), "too long");
    }
}
