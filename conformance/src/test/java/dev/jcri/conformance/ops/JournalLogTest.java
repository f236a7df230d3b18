package dev.jcri.conformance.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * Logs as journald wants them, decided the way systemd means it: when {@code JOURNAL_STREAM}
 * names the daemon's own stderr (device and inode), every line starts with a syslog priority and
 * is one event; a caller's error (a bad request) is one line. A {@code JOURNAL_STREAM} naming some
 * other stream (inherited from a parent) changes nothing.
 */
class JournalLogTest {

    @TempDir
    Path dir;

    @BeforeAll
    static void onlyForJcri() {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "these tests start jcri itself");
    }

    private static String streamOf(Path file) throws Exception {
        Map<String, Object> attributes = Files.readAttributes(file, "unix:dev,ino");
        return attributes.get("dev") + ":" + attributes.get("ino");
    }

    @Test
    void whenStderrIsTheJournalEveryLineCarriesItsPriorityAndABadRequestIsOneLine() throws Exception {
        Path node = Files.createDirectories(dir.resolve("node"));
        Path log = Files.createFile(node.resolve("jcri.log")); // the daemon's stderr (JcriProcess appends to it)
        try (JcriProcess jcri = JcriProcess.launch(node, JcriProcess.javaLauncher(List.of()), List.of(),
                Map.of("JOURNAL_STREAM", streamOf(log)))) {
            jcri.awaitServing(Duration.ofMinutes(2));
            try (CriClient cri = new CriClient(jcri.socket())) {
                StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> cri.runtime().createContainer(
                        Api.CreateContainerRequest.newBuilder().setPodSandboxId("").build()));
                assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
                Deadline.await("the refused call in the log", Duration.ofSeconds(30),
                        () -> jcri.logText().contains("CreateContainer -> INVALID_ARGUMENT"));
            }
            List<String> lines = jcri.logText().lines().filter(l -> !l.isBlank()).toList();
            for (String line : lines) {
                assertTrue(line.matches("<[3-7]>\\[\\w+\\] .*"), "not a journal line: " + line + "\nin:\n" + jcri.logText());
            }
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("<6>") && l.contains(" ready ")), jcri.logText());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("<6>") && l.contains("CreateContainer -> INVALID_ARGUMENT")),
                    jcri.logText());
        }
    }

    @Test
    void aJournalStreamNamingAnotherStreamLeavesTheTextFormat() throws Exception {
        Path other = Files.createFile(dir.resolve("other"));
        try (JcriProcess jcri = JcriProcess.launch(dir.resolve("node"), JcriProcess.javaLauncher(List.of()), List.of(),
                Map.of("JOURNAL_STREAM", streamOf(other)))) {
            jcri.awaitServing(Duration.ofMinutes(2));
            String first = jcri.logText().lines().findFirst().orElseThrow();
            assertTrue(first.matches("\\d{4}-\\d\\d-\\d\\dT.*"), "text lines start with their time: " + first);
        }
    }
}
