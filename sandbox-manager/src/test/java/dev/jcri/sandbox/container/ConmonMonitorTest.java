package dev.jcri.sandbox.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether a container's monitor lives decides, at a restart, that a container runs without asking
 * the runtime: the pid file must name a live process whose command line names the container, never
 * whatever process has that pid now.
 */
class ConmonMonitorTest {

    private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private ConmonRuntime runtime() throws IOException {
        ContainerPaths paths = new ContainerPaths(dir);
        Files.createDirectories(paths.bundle(ID));
        return new ConmonRuntime(new OciRuntime("runc", Path.of("/bin/false"), dir.resolve("root"), false,
                RuntimeFeatures.UNREPORTED), new Conmon(Path.of("/bin/false")), paths);
    }

    private void pidFile(String content) throws IOException {
        Files.writeString(new ContainerPaths(dir).monitorPidFile(ID), content);
    }

    @Test
    void aLiveProcessNamingTheContainerIsItsMonitor() throws Exception {
        ConmonRuntime runtime = runtime();
        Process monitor = new ProcessBuilder("sh", "-c", "sleep 600", "--cid", ID).start();
        try {
            pidFile(monitor.pid() + "\n");
            assertTrue(runtime.monitorAlive(ID));
        } finally {
            monitor.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertFalse(runtime.monitorAlive(ID), "gone once it exited and was reaped");
    }

    @Test
    void aPidNowHeldByAnotherProcessIsNotTheMonitor() throws IOException {
        ConmonRuntime runtime = runtime();
        pidFile(Long.toString(ProcessHandle.current().pid())); // alive, but not a monitor of this container
        assertFalse(runtime.monitorAlive(ID));
    }

    @Test
    void aMissingOrMalformedPidFileMeansNoMonitor() throws IOException {
        ConmonRuntime runtime = runtime();
        assertFalse(runtime.monitorAlive(ID), "no pid file");
        for (String junk : new String[] {"", "12ab", "-1", "1/../self", "self"}) {
            pidFile(junk);
            assertFalse(runtime.monitorAlive(ID), junk);
        }
    }
}
