package dev.jcri.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessTest {
    @TempDir
    Path dir;

    @Test
    void capturesOutputAndExitCode() throws IOException {
        ProcessResult r = ChildProcess.command("sh", "-c", "echo out; echo err >&2; exit 3").run();
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdoutText());
        assertEquals("err\n", r.stderrText());
        assertFalse(r.timedOut());
        ProcessFailedException e = assertThrows(ProcessFailedException.class, r::requireSuccess);
        assertTrue(e.getMessage().contains("exited with status 3: err"), e.getMessage());
    }

    @Test
    void stdinEnvironmentAndDirectory() throws IOException {
        ProcessResult r = ChildProcess.command("/bin/sh", "-c", "cat; echo \" $FOO $(pwd)\"; env | grep -c . ")
                .environment(Map.of("FOO", "bar")).env("PATH", "/usr/bin:/bin").directory(dir)
                .stdin("hello".getBytes(StandardCharsets.UTF_8)).run().requireSuccess();
        String[] lines = r.stdoutText().split("\n");
        assertEquals("hello bar " + dir, lines[0]);
        assertTrue(Integer.parseInt(lines[1].strip()) <= 4, "only our variables (+ what sh sets): " + lines[1]);
    }

    @Test
    void outputBeyondTheLimitIsDroppedNotBlocking() throws IOException {
        ProcessResult r = ChildProcess.command("head", "-c", "5000000", "/dev/zero").outputLimit(1000).run();
        assertEquals(0, r.exitCode());
        assertEquals(1000, r.stdout().length);
        assertTrue(r.stdoutTruncated());
        assertFalse(r.stderrTruncated());
    }

    @Test
    void hugeOutputIsKeptOnceUpToTheLimit() throws IOException {
        int limit = 8 << 20;
        ProcessResult r = ChildProcess.command("sh", "-c", "head -c 100000000 /dev/zero; head -c 100000000 /dev/zero >&2")
                .outputLimit(limit).run();
        for (CapturedOutput o : java.util.List.of(r.out(), r.err())) {
            assertEquals(limit, o.size());
            assertTrue(o.truncated());
            assertEquals(limit, o.capacity(), "no slack beyond the limit, no doubling copies");
            assertEquals(limit, o.chunks().stream().mapToInt(java.nio.ByteBuffer::remaining).sum());
            assertTrue(o.chunks().size() < 20, "a few chunks: " + o.chunks().size());
            assertTrue(o.chunks().getFirst().isReadOnly());
        }
    }

    @Test
    void smallOutputCostsASmallChunk() throws IOException {
        ProcessResult r = ChildProcess.command("echo", "hi").outputLimit(16 << 20).run();
        assertEquals("hi\n", r.stdoutText());
        assertTrue(r.out().capacity() <= 8 << 10, "capacity " + r.out().capacity());
        assertEquals(0, r.err().capacity());
        assertFalse(r.stdoutTruncated());
    }

    @Test
    void timeoutKillsTheWholeTree() throws IOException {
        Path pidFile = dir.resolve("grandchild.pid");
        // The grandchild even starts its own session, as daemons do; it is still a descendant.
        ProcessResult r = ChildProcess.command("sh", "-c", "setsid sleep 300 & echo $! > " + pidFile + "; wait")
                .timeout(Duration.ofMillis(500)).run();
        assertTrue(r.timedOut());
        assertEquals(128 + Signals.SIGKILL, r.exitCode());
        long grandchild = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle.of(grandchild).ifPresent(h -> {
            try {
                h.onExit().get(10, TimeUnit.SECONDS); // a deadline, not a sleep
            } catch (Exception e) {
                throw new AssertionError("grandchild " + grandchild + " still alive", e);
            }
        });
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(30)) < 0);
    }
}
