package dev.jcri.image.pull;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jcri.image.error.PullStalledException;
import dev.jcri.image.manifest.MediaTypes;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download file read while it grows: the reader follows the writer, and sees the end only when the download says so. */
class LayerSpoolTest {

    @TempDir
    Path dir;

    /** A writer the test drives step by step: each chunk is appended and reported when the reader asks. */
    private static void append(Path file, LayerSpool spool, byte[] chunk) throws Exception {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
            out.write(chunk);
        }
        spool.wrote(chunk.length);
    }

    @Test
    void theReaderFollowsTheWriterAndEndsOnlyWhenTheDownloadFinished() throws Exception {
        Path file = Files.createFile(dir.resolve("layer"));
        LayerSpool spool = new LayerSpool(file);
        SynchronousQueue<byte[]> got = new SynchronousQueue<>();
        CompletableFuture<Integer> end = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = spool.open()) {
                byte[] buf = new byte[100];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    got.put(java.util.Arrays.copyOf(buf, n));
                }
                return n;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        append(file, spool, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, got.take());
        append(file, spool, new byte[] {4});
        assertArrayEquals(new byte[] {4}, got.take(), "caught up: it waited for the next byte rather than ending");
        spool.finished();
        assertEquals(-1, end.get());
    }

    @Test
    void aFailedDownloadIsTheReadersErrorNeverItsEnd() throws Exception {
        Path file = Files.createFile(dir.resolve("layer"));
        LayerSpool spool = new LayerSpool(file);
        append(file, spool, new byte[] {1, 2, 3});
        PullStalledException stalled = new PullStalledException("no data for 2 s from registry.example:5000");
        try (InputStream in = spool.open()) {
            assertEquals(3, in.readNBytes(3).length, "what arrived is readable");
            spool.failed(stalled);
            LayerSpool.DownloadFailedException e = assertThrows(LayerSpool.DownloadFailedException.class, in::read);
            assertSame(stalled, e.error(), "the download's own error, for the caller to report");
        }
    }

    @Test
    void concatenatedGzipMembersSplitAcrossArrivalsAreReadWhole() throws Exception {
        byte[] first = gzip("first member ".getBytes(StandardCharsets.UTF_8));
        byte[] second = gzip("second member".getBytes(StandardCharsets.UTF_8));
        Path file = Files.createFile(dir.resolve("layer"));
        LayerSpool spool = new LayerSpool(file);
        append(file, spool, first);
        CompletableFuture<byte[]> tar = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (InputStream in = Decompression.open(spool.open(), MediaTypes.Compression.GZIP)) {
                tar.complete(in.readAllBytes());
            } catch (Exception e) {
                tar.completeExceptionally(e);
            }
        });
        // the second member arrives after the reader reached the end of the first and waits: it must not end there
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (reader.getState() != Thread.State.WAITING && !tar.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the reader neither waits nor ends");
            }
            Thread.onSpinWait();
        }
        append(file, spool, second);
        spool.finished();
        assertEquals("first member second member", new String(tar.get(), StandardCharsets.UTF_8));
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
