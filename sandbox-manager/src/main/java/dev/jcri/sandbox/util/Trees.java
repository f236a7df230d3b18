package dev.jcri.sandbox.util;

import dev.jcri.linux.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting state directories safely. */
public final class Trees {

    private Trees() {}

    /**
     * Deletes a directory tree, but never through a mount: if anything is still mounted below
     * {@code dir} (a rootfs, a namespace pin, a tmpfs), deleting would reach into it, so refuse.
     */
    public static void deleteUnlessMounted(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        requireNothingMounted(dir);
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Refuses (an IOException naming {@code dir}) while anything is mounted at or below {@code dir}. */
    public static void requireNothingMounted(Path dir) throws IOException {
        if (!MountInfo.under(dir).isEmpty()) {
            throw new IOException("refusing to delete " + dir + ": something is still mounted below it");
        }
    }
}
