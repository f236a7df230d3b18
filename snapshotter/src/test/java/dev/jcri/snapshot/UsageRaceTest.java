package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running container changes its writable layer while ContainerStats measures it. Here a racer
 * swaps a directory for a symlink to "/" and back, as fast as it can: a walk that resolves paths
 * from the host would follow the link and measure the host's /usr and /etc (and fail on entries
 * that vanished). The measurement must stay inside the tree and never fail.
 */
class UsageRaceTest {
    @TempDir
    Path dir;

    @Test
    void aDirectorySwappedForASymlinkNeverLeadsTheWalkOutOfTheTree() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("upper"));
        Path d = Files.createDirectories(tree.resolve("d"));
        for (String name : new String[] {"usr", "etc", "var"}) { // names the host has too
            Files.createDirectories(d.resolve(name));
            Files.writeString(d.resolve(name).resolve("f"), "x");
        }
        Path parked = tree.resolve("d.parked");
        AtomicBoolean stop = new AtomicBoolean();
        Thread racer = Thread.ofPlatform().start(() -> {
            try {
                while (!stop.get()) {
                    Files.move(d, parked, StandardCopyOption.ATOMIC_MOVE);
                    Files.createSymbolicLink(d, Path.of("/"));
                    Files.delete(d);
                    Files.move(parked, d, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            long deadline = System.nanoTime() + 3_000_000_000L;
            int rounds = 0;
            while (System.nanoTime() < deadline || rounds < 50) {
                LayerStore.Usage u = UsageCalculator.measure(tree);
                assertTrue(u.inodes() <= 20 && u.bytes() < 1 << 20, "measured outside the tree: " + u);
                rounds++;
            }
        } finally {
            stop.set(true);
            racer.join();
        }
    }
}
