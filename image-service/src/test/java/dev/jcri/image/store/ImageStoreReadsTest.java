package dev.jcri.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.image.ref.Digest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads of the image store (ImageStatus, on the CRI socket's event loop) never wait for a writer:
 * a pull holds the store's lock across its write and fsync of images.json. And what they see
 * follows every change, and a reopen.
 */
class ImageStoreReadsTest {

    @TempDir
    Path dir;

    private static ImageRecord image(String content, String tag) {
        Digest id = Digest.sha256(content);
        return new ImageRecord(id, List.of(tag), List.of(), 100, Digest.sha256("manifest " + content), List.of(id),
                List.of(), List.of(), false, Instant.EPOCH);
    }

    @Test
    void readsDoNotWaitForAWriterHoldingTheLock() throws Exception {
        ImageStore store = ImageStore.open(dir.resolve("images.json"));
        ImageRecord a = store.put(image("a", "reg/a:1"));
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            synchronized (store) { // as put() while it writes and syncs the file
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        try {
            assertTrue(held.await(30, TimeUnit.SECONDS));
            CompletableFuture<List<ImageRecord>> read = CompletableFuture.supplyAsync(() -> {
                assertEquals(a, store.get(a.id()).orElseThrow());
                return store.list();
            }, Thread::startVirtualThread);
            // a deadline for a read that would wait forever, not a measure of its speed
            assertEquals(List.of(a), read.get(30, TimeUnit.SECONDS), "read while the lock is held");
        } finally {
            release.countDown();
            writer.join();
        }
    }

    @Test
    void readsFollowEveryChangeAndAReopen() throws Exception {
        Path file = dir.resolve("images.json");
        ImageStore store = ImageStore.open(file);
        assertEquals(List.of(), store.list());
        ImageRecord a = store.put(image("a", "reg/x:1"));
        ImageRecord b = store.put(image("b", "reg/x:1")); // the tag moves from a to b
        assertEquals(List.of(a.withRepoTags(List.of()), b), store.list());
        store.replace(b.withRepoTags(List.of("reg/x:2")));
        assertEquals(List.of("reg/x:2"), store.get(b.id()).orElseThrow().repoTags());
        store.remove(a.id(), List.of());
        assertFalse(store.get(a.id()).isPresent());
        assertEquals(List.of(b.withRepoTags(List.of("reg/x:2"))), store.list());
        assertEquals(store.list(), ImageStore.open(file).list());
    }
}
