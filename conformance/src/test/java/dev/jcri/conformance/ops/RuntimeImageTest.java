package dev.jcri.conformance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * jcri's own Java runtime (bin/runtime: jlink of the modules it needs) runs the daemon on a node
 * with no JDK: the production launcher started with an empty environment ({@code env -i}: no
 * JAVA_HOME, no PATH) picks the runtime beside it, and the daemon answers Version.
 */
class RuntimeImageTest {

    @TempDir
    Path dir;

    static Path top() {
        return Path.of(System.getProperty("jcri.top", "..")).toAbsolutePath().normalize();
    }

    @BeforeAll
    static void onlyWithTheRuntimeImage() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
        assumeTrue(Files.isExecutable(top().resolve("target/jcri-runtime/bin/java")),
                "jcri's runtime image was not built (target/jcri-runtime): run bin/runtime (bin/test does)");
    }

    @Test
    void theLauncherWithAnEmptyEnvironmentRunsTheDaemonOnItsOwnRuntime() throws Exception {
        long started = System.nanoTime();
        try (JcriProcess jcri = JcriProcess.start(dir, List.of("env", "-i", top().resolve("bin/jcri").toString()), List.of());
                CriClient cri = new CriClient(jcri.socket())) {
            assertEquals("jcri", cri.runtime().version(Api.VersionRequest.getDefaultInstance()).getRuntimeName());
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            Path java = Path.of("/proc", Long.toString(jcri.process().pid()), "exe").toRealPath();
            assertEquals(top().resolve("target/jcri-runtime/bin/java").toRealPath(), java, "the daemon runs on jcri's runtime");
            assertFalse(Files.exists(java.resolveSibling("javac")), "the runtime is not a JDK");
            String environ = Files.readString(Path.of("/proc", Long.toString(jcri.process().pid()), "environ"));
            assertFalse(environ.contains("JAVA_HOME=") || environ.contains("PATH="), environ);
            System.out.println("RuntimeImageTest: exec to first Version answer in " + millis + " ms on target/jcri-runtime");
        }
    }
}
