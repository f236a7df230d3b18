package dev.jcri.image.store;

import dev.jcri.image.ref.Digest;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Blobs by digest under {@code <dir>/blobs/<algorithm>/<hex>} (manifests, indexes, configs), each
 * written to a temp file, synced and renamed into place, so a blob that is visible is complete.
 * Layer downloads land in {@code <dir>/ingest} while they are unpacked; both kinds of leftovers of
 * a crash are removed by {@link #open}. All private to root ({@link PrivateFiles}): a layer
 * download is an image's files, setuid binaries included.
 */
public final class ContentStore {

    private final Path blobs;
    private final Path ingest;

    private ContentStore(Path dir) {
        this.blobs = dir.resolve("blobs");
        this.ingest = dir.resolve("ingest");
    }

    /** Opens (creating) the store and deletes temp files a crash left behind. */
    public static ContentStore open(Path dir) throws IOException {
        ContentStore store = new ContentStore(dir);
        PrivateFiles.ensureDirectory(dir);
        PrivateFiles.ensureDirectory(store.blobs);
        PrivateFiles.createDirectories(store.blobs.resolve("sha256"));
        PrivateFiles.ensureDirectory(store.ingest);
        try (Stream<Path> leftovers = Files.list(store.ingest)) {
            for (Path p : (Iterable<Path>) leftovers::iterator) {
                Files.deleteIfExists(p);
            }
        }
        try (Stream<Path> algorithms = Files.list(store.blobs)) {
            for (Path alg : (Iterable<Path>) algorithms::iterator) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(alg, p -> AtomicFiles.isTempFile(p))) {
                    for (Path p : files) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        return store;
    }

    Path path(Digest d) {
        return blobs.resolve(d.algorithm()).resolve(d.hex());
    }

    public boolean has(Digest d) {
        return Files.isRegularFile(path(d));
    }

    /** Stores verified content; a blob already there is left alone. */
    public void put(Digest d, byte[] content) throws IOException {
        if (!Digest.sha256(content).equals(d) && d.algorithm().equals("sha256")) {
            throw new IllegalArgumentException("content does not match " + d);
        }
        if (has(d)) {
            return;
        }
        PrivateFiles.createDirectories(path(d).getParent());
        AtomicFiles.write(path(d), content);
    }

    public byte[] read(Digest d) throws IOException {
        return Files.readAllBytes(path(d));
    }

    public void delete(Digest d) throws IOException {
        Files.deleteIfExists(path(d));
    }

    /** All blobs stored. */
    public Set<Digest> list() throws IOException {
        Set<Digest> out = new HashSet<>();
        try (Stream<Path> algorithms = Files.list(blobs)) {
            for (Path alg : (Iterable<Path>) algorithms::iterator) {
                try (Stream<Path> files = Files.list(alg)) {
                    files.filter(p -> !AtomicFiles.isTempFile(p)).forEach(p -> {
                        try {
                            out.add(new Digest(alg.getFileName().toString(), p.getFileName().toString()));
                        } catch (IllegalArgumentException ignored) {
                            // not ours
                        }
                    });
                }
            }
        }
        return out;
    }

    /** A new, empty temp file for a download; the caller deletes it when done. */
    public Path newIngestFile(String hint) throws IOException {
        Path p = ingest.resolve(hint + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        return PrivateFiles.createFile(p);
    }

    /** Files (temp downloads included) and bytes the store uses. */
    public Usage usage() throws IOException {
        long[] totals = new long[2];
        for (Path root : new Path[] {blobs, ingest}) {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.forEach(p -> {
                    totals[1]++;
                    try {
                        if (Files.isRegularFile(p)) {
                            totals[0] += Files.size(p);
                        }
                    } catch (NoSuchFileException ignored) {
                        // removed while walking
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        return new Usage(totals[0], totals[1]);
    }

    /** Bytes and inodes. */
    public record Usage(long bytes, long inodes) {}
}
