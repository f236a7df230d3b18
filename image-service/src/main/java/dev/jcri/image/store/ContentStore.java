package dev.jcri.image.store;

import dev.jcri.image.ref.Digest;
import dev.jcri.linux.AtomicFiles;
import dev.jcri.linux.PrivateFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
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
    /** Size of every stored blob, kept as blobs come and go: {@link #usage} reads no directory tree. */
    private final Map<Digest, Long> sizes = new ConcurrentHashMap<>();
    private final AtomicLong blobBytes = new AtomicLong();
    /** The store's own directories (blobs, ingest, one per algorithm), counted once at open. */
    private int directories;

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
        store.countExisting();
        return store;
    }

    /** The one walk of the blobs: their sizes, from which {@link #usage} is kept from now on. */
    private void countExisting() throws IOException {
        directories = 2;
        try (Stream<Path> algorithms = Files.list(blobs)) {
            for (Path alg : (Iterable<Path>) algorithms::iterator) {
                directories++;
                try (Stream<Path> files = Files.list(alg)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        try {
                            counted(new Digest(alg.getFileName().toString(), p.getFileName().toString()), Files.size(p));
                        } catch (IllegalArgumentException ignored) {
                            // not ours
                        }
                    }
                }
            }
        }
    }

    private void counted(Digest d, long size) {
        if (sizes.putIfAbsent(d, size) == null) {
            blobBytes.addAndGet(size);
        }
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
        counted(d, content.length);
    }

    public byte[] read(Digest d) throws IOException {
        return Files.readAllBytes(path(d));
    }

    public void delete(Digest d) throws IOException {
        Files.deleteIfExists(path(d));
        Long size = sizes.remove(d);
        if (size != null) {
            blobBytes.addAndGet(-size);
        }
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

    /**
     * Files (temp downloads included) and bytes the store uses. Blobs are counted as they are
     * stored and deleted (kubelet asks every few seconds; a walk of the store per call grows with
     * the images); only the downloads in progress are listed (one flat directory).
     */
    public Usage usage() throws IOException {
        long bytes = blobBytes.get();
        long inodes = (long) directories + sizes.size();
        try (DirectoryStream<Path> downloads = Files.newDirectoryStream(ingest)) {
            for (Path p : downloads) {
                try {
                    bytes += Files.size(p);
                    inodes++;
                } catch (NoSuchFileException ignored) {
                    // finished meanwhile
                }
            }
        }
        return new Usage(bytes, inodes);
    }

    /** Bytes and inodes. */
    public record Usage(long bytes, long inodes) {}
}
