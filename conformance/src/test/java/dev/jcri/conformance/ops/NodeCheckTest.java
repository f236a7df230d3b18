package dev.jcri.conformance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.JcriProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jcri check}, run as an operator would: the packaged jar, a config file, exit code and lines. */
class NodeCheckTest {

    @TempDir
    Path dir;

    record Run(int exit, String output) {}

    private Run check(String configText) throws IOException, InterruptedException {
        Path config = dir.resolve("jcri.toml");
        Files.writeString(config, "root = \"" + dir.resolve("root") + "\"\nstate = \"" + dir.resolve("state")
                + "\"\nsocket = \"" + dir.resolve("state/jcri.sock") + "\"\n" + configText);
        List<String> command = new ArrayList<>(JcriProcess.javaLauncher(List.of()));
        command.addAll(List.of("check", "--config", config.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jcri check did not end");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    @Test
    void thisNodePassesWithItsHandlersConmonAndOverlay() throws Exception {
        Run run = check("");
        assertEquals(0, run.exit(), run.output());
        assertFalse(run.output().lines().anyMatch(l -> l.startsWith("FAIL")), run.output());
        for (String line : List.of("OK    overlayfs", "OK    handler runc", "OK    conmon", "OK    kernel", "node ready for jcri")) {
            assertTrue(run.output().contains(line), "missing '" + line + "' in:\n" + run.output());
        }
        try (var entries = Files.list(dir)) {
            assertTrue(entries.noneMatch(p -> p.getFileName().toString().startsWith(".jcri-check-")),
                    "the overlay probe's scratch directory must be removed");
        }
    }

    @Test
    void aHandlerWhoseBinaryIsGoneFailsNamingHandlerKeyAndFile() throws Exception {
        Run run = check("[runtime]\nhandlers = { runc = \"runc\", fast = \"" + dir.resolve("gone/crun") + "\" }\n");
        assertEquals(1, run.exit(), run.output());
        String fail = run.output().lines().filter(l -> l.startsWith("FAIL")).findFirst().orElse("");
        assertTrue(fail.contains("handler fast") && fail.contains(dir.resolve("gone/crun") + " not found")
                && fail.contains("runtime.handlers.fast in " + dir.resolve("jcri.toml")), run.output());
        assertTrue(run.output().contains("node NOT ready for jcri: 1 failed"), run.output());
    }

    @Test
    void aDefaultHandlerThatIsNotConfiguredFails() throws Exception {
        Run run = check("[runtime]\ndefault_handler = \"kata\"\n");
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("FAIL  default handler") && run.output().contains("\"kata\" is not in runtime.handlers"),
                run.output());
    }

    @Test
    void anOpenRootAndAFileInPlaceOfTheSocketAreReported() throws Exception {
        Files.createDirectories(dir.resolve("root"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dir.resolve("root"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state/jcri.sock"), "not a socket");
        Run run = check("");
        assertEquals(1, run.exit(), run.output());
        assertTrue(run.output().contains("WARN  root dir") && run.output().contains("mode 0755 -> chmod 0700"), run.output());
        assertTrue(run.output().contains("FAIL  socket") && run.output().contains("is not a socket"), run.output());
    }

    @Test
    void anUnreadableConfigExitsTwoNamingTheKey() throws Exception {
        Run run = check("[runtime]\nhandlerz = {}\n");
        assertEquals(2, run.exit(), run.output());
        assertTrue(run.output().contains("FAIL  config") && run.output().contains("unknown key 'runtime.handlerz'"), run.output());
    }
}
