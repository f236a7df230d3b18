package dev.jcri.snapshot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Builds layer tars in memory for tests, with commons-compress (an independent tar writer), entry by
 * entry as a hostile or odd producer would: GNU long names, FIFOs, raw PAX records.
 *
 * <p>Not the same as conformance's {@code registry.TestLayer}, which builds whole registry blobs
 * (compression, digests, diff IDs, media types) from the tars it writes: conformance sits at the top
 * of the reactor (it needs the daemon's jar), so the snapshotter's tests cannot use its classes, and
 * conformance, a client that sees only the CRI, must not use the snapshotter's.
 */
final class TestLayer {
    static final Instant MTIME = Instant.parse("2020-01-02T03:04:05Z");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    private TestLayer(int longFileMode) {
        tar = new TarArchiveOutputStream(bytes);
        tar.setLongFileMode(longFileMode);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    /** PAX headers for long names (what Go's archive/tar and most image builders write). */
    static TestLayer pax() {
        return new TestLayer(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    /** GNU 'L'/'K' entries for long names. */
    static TestLayer gnu() {
        return new TestLayer(TarArchiveOutputStream.LONGFILE_GNU);
    }

    TestLayer dir(String name) {
        return dir(name, 0755, 0, 0);
    }

    TestLayer dir(String name, int mode, int uid, int gid) {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
        return put(e, mode, uid, gid, null);
    }

    TestLayer file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0, Map.of());
    }

    TestLayer file(String name, byte[] content, int mode, int uid, int gid, Map<String, String> paxXattrs) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        e.setSize(content.length);
        paxXattrs.forEach((k, v) -> e.addPaxHeader("SCHILY.xattr." + k, v));
        return put(e, mode, uid, gid, content);
    }

    TestLayer symlink(String name, String target, int uid, int gid) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        return put(e, 0777, uid, gid, null);
    }

    TestLayer symlink(String name, String target) {
        return symlink(name, target, 0, 0);
    }

    TestLayer hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
        e.setLinkName(target);
        return put(e, 0644, 0, 0, null);
    }

    TestLayer device(String name, byte type, int major, int minor, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return put(e, mode, 0, 0, null);
    }

    TestLayer fifo(String name) {
        return put(new TarArchiveEntry(name, TarConstants.LF_FIFO, true), 0640, 0, 0, null);
    }

    /** OCI whiteout: deletes {@code path} of the layers below. */
    TestLayer whiteout(String path) {
        int slash = path.lastIndexOf('/');
        String name = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
        return file(name, "");
    }

    /** OCI opaque marker: hides everything below in {@code dir}. */
    TestLayer opaque(String dir) {
        return file(dir + "/.wh..wh..opq", "");
    }

    /**
     * A PAX 'x' header written byte for byte (as Go writes binary xattr values: raw, not UTF-8
     * re-encoded); applies to the next entry.
     */
    TestLayer rawPax(String key, byte[] value) {
        byte[] data = RawTar.paxRecord(key, value);
        TarArchiveEntry e = new TarArchiveEntry("PaxHeaders/next", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
        e.setSize(data.length);
        return put(e, 0644, 0, 0, data);
    }

    private TestLayer put(TarArchiveEntry e, int mode, int uid, int gid, byte[] content) {
        try {
            e.setMode(mode);
            e.setUserId(uid);
            e.setGroupId(gid);
            e.setModTime(FileTime.from(MTIME));
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    byte[] bytes() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    InputStream stream() {
        return new ByteArrayInputStream(bytes());
    }
}
