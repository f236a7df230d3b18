package dev.jcri.image.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jcri.image.ref.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content store's usage, kept as blobs come and go instead of walked per call, is what a walk
 * of its tree finds: after puts, a repeated put, deletes, a download in progress, and a reopen.
 */
class ContentStoreUsageTest {

    @TempDir
    Path dir;

    @Test
    void usageFollowsPutsDeletesDownloadsAndReopen() throws IOException {
        ContentStore store = ContentStore.open(dir);
        assertEquals(walked(), store.usage());

        byte[] a = "manifest a".getBytes(StandardCharsets.UTF_8);
        byte[] b = "config b, a little longer".getBytes(StandardCharsets.UTF_8);
        store.put(Digest.sha256(a), a);
        store.put(Digest.sha256(b), b);
        store.put(Digest.sha256(a), a); // already there: counted once
        assertEquals(walked(), store.usage());

        Path download = store.newIngestFile("layer");
        Files.write(download, new byte[4096]);
        assertEquals(walked(), store.usage());
        Files.delete(download);

        store.delete(Digest.sha256(a));
        store.delete(Digest.sha256(a)); // gone already: not subtracted twice
        assertEquals(walked(), store.usage());

        assertEquals(walked(), ContentStore.open(dir).usage(), "a reopened store counts what is there");
    }

    /** Bytes of regular files and entries below blobs/ and ingest/, as the per-call walk counted them. */
    private ContentStore.Usage walked() throws IOException {
        long bytes = 0;
        long inodes = 0;
        for (Path root : new Path[] {dir.resolve("blobs"), dir.resolve("ingest")}) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.toList()) {
                    inodes++;
                    if (Files.isRegularFile(p)) {
                        bytes += Files.size(p);
                    }
                }
            }
        }
        return new ContentStore.Usage(bytes, inodes);
    }
}
