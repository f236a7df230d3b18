package dev.jcri.conformance.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One image layer built in memory: a tar of files, directories, symlinks, hardlinks, device nodes
 * and whiteouts (with extended attributes if asked), compressed with gzip, zstd or not at all. Entries are written in the order they were added, owned by root
 * unless given, with a fixed mtime, so the same builder calls always give the same digests.
 *
 * <pre>{@code
 * TestLayer layer = TestLayer.builder()
 *         .dir("/etc")
 *         .file("/etc/motd", "hello\n")
 *         .whiteout("/etc/old.conf")        // deletes a file of a lower layer
 *         .opaque("/var/cache")             // hides everything a lower layer had in /var/cache
 *         .compression(Compression.ZSTD)
 *         .build();
 * }</pre>
 */
public final class TestLayer {

    /** Layer compression. Docker schema 2 images support GZIP only. */
    public enum Compression { GZIP, ZSTD, NONE }

    private static final Instant MTIME = Instant.parse("2024-01-01T00:00:00Z");

    private final byte[] tar; // null for a streamed layer
    private final byte[] blob;
    private final Compression compression;
    private final String diffId;

    private TestLayer(byte[] tar, byte[] blob, Compression compression, String diffId) {
        this.tar = tar;
        this.blob = blob;
        this.compression = compression;
        this.diffId = diffId;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Writes a whole tar stream (entries and end-of-archive marker). */
    @FunctionalInterface
    public interface TarWriter {
        void write(OutputStream tar) throws IOException;
    }

    /**
     * A gzip layer whose tar {@code writer} streams and nobody holds: only the compressed blob is
     * kept, the diffID is computed on the way. For hostile layers far bigger uncompressed than a
     * test wants in memory (a gzip bomb, a PAX bomb).
     */
    public static TestLayer streamed(TarWriter writer) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(blob, 64 << 10);
                    DigestOutputStream tar = new DigestOutputStream(gz, sha)) {
                writer.write(tar);
            }
            return new TestLayer(null, blob.toByteArray(), Compression.GZIP, "sha256:" + HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The uncompressed tar (not kept for a {@link #streamed} layer). */
    public byte[] tar() {
        if (tar == null) {
            throw new IllegalStateException("a streamed layer keeps no tar");
        }
        return tar.clone();
    }

    /** The blob as pushed (compressed). */
    public byte[] blob() {
        return blob.clone();
    }

    public Compression compression() {
        return compression;
    }

    /** sha256 of the uncompressed tar (the config's rootfs.diff_ids entry). */
    public String diffId() {
        return diffId;
    }

    /** sha256 of the blob (the manifest's layer digest). */
    public String digest() {
        return sha256(blob);
    }

    public long size() {
        return blob.length;
    }

    /** The OCI media type of this layer. */
    public String ociMediaType() {
        return switch (compression) {
            case GZIP -> "application/vnd.oci.image.layer.v1.tar+gzip";
            case ZSTD -> "application/vnd.oci.image.layer.v1.tar+zstd";
            case NONE -> "application/vnd.oci.image.layer.v1.tar";
        };
    }

    static String sha256(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Builds a layer. Paths are absolute ("/etc/motd"); parents are not added implicitly. */
    public static final class Builder {
        /**
         * @param verbatim the tar name is {@code path} exactly as given (a leading "/" or ".." kept), for hostile layers
         * @param xattrs   PAX {@code SCHILY.xattr.*} records of the entry
         */
        private record Entry(String path, byte type, byte[] content, String linkTarget, int mode, int uid, int gid,
                             boolean verbatim, int devMajor, int devMinor, Map<String, String> xattrs) {
            Entry(String path, byte type, byte[] content, String linkTarget, int mode, int uid, int gid) {
                this(path, type, content, linkTarget, mode, uid, gid, false, 0, 0, new LinkedHashMap<>());
            }
        }

        private static final byte FILE = 0;
        private static final byte DIR = 1;
        private static final byte SYMLINK = 2;
        private static final byte HARDLINK = 3;
        private static final byte CHAR_DEVICE = 4;
        private static final byte BLOCK_DEVICE = 5;

        private final List<Entry> entries = new ArrayList<>();
        private Compression compression = Compression.GZIP;

        public Builder file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
        }

        public Builder file(String path, byte[] content, int mode) {
            return file(path, content, mode, 0, 0);
        }

        public Builder file(String path, byte[] content, int mode, int uid, int gid) {
            entries.add(new Entry(path, FILE, content.clone(), null, mode, uid, gid));
            return this;
        }

        /** A file with the content of a file on this machine (e.g. /bin/busybox). */
        public Builder fileFrom(String path, Path source, int mode) {
            try {
                return file(path, Files.readAllBytes(source), mode);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + source, e);
            }
        }

        public Builder dir(String path) {
            return dir(path, 0755);
        }

        public Builder dir(String path, int mode) {
            entries.add(new Entry(path, DIR, null, null, mode, 0, 0));
            return this;
        }

        public Builder symlink(String path, String target) {
            entries.add(new Entry(path, SYMLINK, null, target, 0777, 0, 0));
            return this;
        }

        public Builder hardlink(String path, String target) {
            entries.add(new Entry(path, HARDLINK, null, target, 0644, 0, 0));
            return this;
        }

        /**
         * A regular file whose tar name is {@code tarName} byte for byte: no leading "/" removed, ".."
         * kept (what a hostile layer carries; a safe extractor keeps it inside the layer).
         */
        public Builder verbatimFile(String tarName, String content) {
            entries.add(new Entry(tarName, FILE, content.getBytes(StandardCharsets.UTF_8), null, 0644, 0, 0, true, 0, 0,
                    new LinkedHashMap<>()));
            return this;
        }

        /** A hardlink whose name and target are written exactly as given (see {@link #verbatimFile}). */
        public Builder verbatimHardlink(String tarName, String tarTarget) {
            entries.add(new Entry(tarName, HARDLINK, null, tarTarget, 0644, 0, 0, true, 0, 0, new LinkedHashMap<>()));
            return this;
        }

        /** A character device node (major:minor), e.g. 1:1 is /dev/mem. */
        public Builder charDevice(String path, int major, int minor, int mode) {
            entries.add(new Entry(path, CHAR_DEVICE, null, null, mode, 0, 0, false, major, minor, new LinkedHashMap<>()));
            return this;
        }

        /** A block device node (major:minor), e.g. 8:0 is the first SCSI disk. */
        public Builder blockDevice(String path, int major, int minor, int mode) {
            entries.add(new Entry(path, BLOCK_DEVICE, null, null, mode, 0, 0, false, major, minor, new LinkedHashMap<>()));
            return this;
        }

        /** An extended attribute (PAX {@code SCHILY.xattr.NAME}) on the entry added last. */
        public Builder xattr(String name, String value) {
            if (entries.isEmpty()) {
                throw new IllegalStateException("xattr " + name + " needs an entry before it");
            }
            entries.getLast().xattrs().put(name, value);
            return this;
        }

        /** An OCI whiteout: {@code path} of a lower layer is deleted. */
        public Builder whiteout(String path) {
            int slash = path.lastIndexOf('/');
            return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), new byte[0], 0644);
        }

        /** An opaque whiteout: what lower layers have in directory {@code dir} is hidden. */
        public Builder opaque(String dir) {
            return file(dir + "/.wh..wh..opq", new byte[0], 0644);
        }

        /** A random-content file of {@code size} bytes (incompressible: for download-size tests). */
        public Builder randomFile(String path, int size, long seed) {
            byte[] data = new byte[size];
            new java.util.Random(seed).nextBytes(data);
            return file(path, data, 0644);
        }

        public Builder compression(Compression c) {
            this.compression = c;
            return this;
        }

        public TestLayer build() {
            byte[] tar = tar();
            return new TestLayer(tar, compress(tar, compression), compression, sha256(tar));
        }

        private byte[] tar() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
                out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                for (Entry e : entries) {
                    String name = e.verbatim() || !e.path().startsWith("/") ? e.path() : e.path().substring(1);
                    TarArchiveEntry t = switch (e.type()) {
                        case DIR -> new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
                        case CHAR_DEVICE, BLOCK_DEVICE -> {
                            TarArchiveEntry d = new TarArchiveEntry(name,
                                    e.type() == CHAR_DEVICE ? TarArchiveEntry.LF_CHR : TarArchiveEntry.LF_BLK, true);
                            d.setDevMajor(e.devMajor());
                            d.setDevMinor(e.devMinor());
                            yield d;
                        }
                        case SYMLINK -> {
                            TarArchiveEntry s = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
                            s.setLinkName(e.linkTarget());
                            yield s;
                        }
                        case HARDLINK -> {
                            TarArchiveEntry h = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
                            String target = e.verbatim() || !e.linkTarget().startsWith("/") ? e.linkTarget()
                                    : e.linkTarget().substring(1);
                            h.setLinkName(target);
                            yield h;
                        }
                        default -> {
                            // preserveAbsolutePath everywhere: names are not normalised (verbatim ones keep their "/")
                            TarArchiveEntry f = new TarArchiveEntry(name, true);
                            f.setSize(e.content().length);
                            yield f;
                        }
                    };
                    t.setMode(typeBits(e.type()) | e.mode());
                    e.xattrs().forEach((k, v) -> t.addPaxHeader("SCHILY.xattr." + k, v));
                    t.setUserId(e.uid());
                    t.setGroupId(e.gid());
                    t.setModTime(MTIME.toEpochMilli());
                    out.putArchiveEntry(t);
                    if (e.type() == FILE) {
                        out.write(e.content());
                    }
                    out.closeArchiveEntry();
                }
                out.finish();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        private static int typeBits(byte type) {
            return switch (type) {
                case DIR -> 0040000;
                case SYMLINK -> 0120000;
                case CHAR_DEVICE -> 0020000;
                case BLOCK_DEVICE -> 0060000;
                default -> 0100000;
            };
        }

        private static byte[] compress(byte[] tar, Compression c) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                switch (c) {
                    case NONE -> out.write(tar);
                    case GZIP -> {
                        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                            gz.write(tar);
                        }
                    }
                    case ZSTD -> {
                        try (com.github.luben.zstd.ZstdOutputStream z = new com.github.luben.zstd.ZstdOutputStream(out, 3)) {
                            z.write(tar);
                        }
                    }
                }
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
