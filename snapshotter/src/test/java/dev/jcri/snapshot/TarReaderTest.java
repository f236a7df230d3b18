package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.snapshot.tar.TarEntry;
import dev.jcri.snapshot.tar.TarFormatException;
import dev.jcri.snapshot.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/** Header details of the tar reader that layer-level tests don't pin down. */
class TarReaderTest {

    @Test
    void base256NumbersFractionalTimesAndTrailingBytesAreRead() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR); // base-256 for numbers beyond octal
            TarArchiveEntry e = new TarArchiveEntry("big-ids");
            e.setUserId(3_000_000); // > 07777777: does not fit 8 octal digits
            e.setGroupId(4_000_000);
            e.setModTime(FileTime.from(Instant.parse("2021-05-06T07:08:09.5Z")));
            e.setSize(3);
            tar.putArchiveEntry(e);
            tar.write(new byte[] {1, 2, 3});
            tar.closeArchiveEntry();
        }
        bytes.write(new byte[4096]); // padding after the archive, as registries serve it
        CountingStream in = new CountingStream(bytes.toByteArray());
        TarReader reader = new TarReader(in);
        TarEntry e = reader.next();
        assertEquals("big-ids", e.name());
        assertEquals(3_000_000, e.uid());
        assertEquals(4_000_000, e.gid());
        assertEquals(Instant.parse("2021-05-06T07:08:09Z").getEpochSecond(), e.mtimeSeconds());
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        reader.copyContent(content);
        assertEquals(3, content.size());
        assertNull(reader.next());
        assertEquals(bytes.size(), in.consumed(), "everything read, so a digest over the stream is complete");
    }

    private static final class CountingStream extends ByteArrayInputStream {
        CountingStream(byte[] b) {
            super(b);
        }

        int consumed() {
            return pos;
        }
    }

    private static final int MIB = 1 << 20;

    /** A regular file member and the end-of-archive marker: what follows the hostile headers. */
    private static byte[] fileAndEnd() {
        byte[] file = RawTar.member("victim", '0', "x".getBytes(StandardCharsets.US_ASCII));
        return concat(file, new byte[2 * RawTar.BLOCK]);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] paxHeader(char type, String key, int valueBytes) {
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'a');
        return RawTar.member("PaxHeaders/bomb", type, RawTar.paxRecord(key, value));
    }

    @Test
    void manyLocalPaxHeadersBeforeOneEntryAreRefusedAtTheLimit() {
        // 200 headers of 512 KiB each with distinct keys: merged whole, 100 MiB of heap for one entry
        RawTar.Counting in = RawTar.stream(200, i -> paxHeader('x', "SCHILY.xattr.user.k" + i, 512 << 10), fileAndEnd());
        TarFormatException e = assertThrows(TarFormatException.class, () -> new TarReader(in).next());
        assertTrue(e.getMessage().contains("1048576"), "names the limit: " + e.getMessage());
        assertTrue(in.consumed() < 2L * MIB + 64 * 1024, "stopped at the limit, read " + in.consumed());
    }

    @Test
    void globalPaxHeadersAccumulateUnderTheSameLimit() {
        RawTar.Counting in = RawTar.stream(200, i -> paxHeader('g', "comment" + i, 512 << 10), fileAndEnd());
        TarFormatException e = assertThrows(TarFormatException.class, () -> new TarReader(in).next());
        assertTrue(e.getMessage().contains("1048576"), e.getMessage());
        assertTrue(in.consumed() < 2L * MIB + 64 * 1024, "read " + in.consumed());
    }

    @Test
    void globalPaxHeadersSpreadOverEntriesAreRefusedToo() {
        // one global header of 600 KiB per entry: each entry is small, the retained globals are not
        RawTar.Counting in = RawTar.stream(200, i -> concat(paxHeader('g', "comment" + i, 600 << 10),
                RawTar.member("f" + i, '0', new byte[0])), fileAndEnd());
        TarReader reader = new TarReader(in);
        TarFormatException e = assertThrows(TarFormatException.class, () -> {
            while (reader.next() != null) {
                // keep reading
            }
        });
        assertTrue(e.getMessage().contains("1048576"), e.getMessage());
        assertTrue(in.consumed() < 3L * MIB, "read " + in.consumed());
    }

    @Test
    void gnuLongNameAndLinkShareTheLimit() {
        byte[] longName = new byte[700 << 10];
        Arrays.fill(longName, (byte) 'n');
        RawTar.Counting in = RawTar.stream(2, i -> RawTar.member("././@LongLink", i == 0 ? 'L' : 'K', longName),
                RawTar.member("link", '2', new byte[0]));
        TarFormatException e = assertThrows(TarFormatException.class, () -> new TarReader(in).next());
        assertTrue(e.getMessage().contains("1048576"), e.getMessage());
    }

    @Test
    void repeatedGnuLongNamesCountAgainstTheLimit() {
        byte[] longName = new byte[300 << 10];
        Arrays.fill(longName, (byte) 'n');
        RawTar.Counting in = RawTar.stream(100, i -> RawTar.member("././@LongLink", 'L', longName), fileAndEnd());
        TarFormatException e = assertThrows(TarFormatException.class, () -> new TarReader(in).next());
        assertTrue(e.getMessage().contains("1048576"), e.getMessage());
        assertTrue(in.consumed() < 2L * MIB, "read " + in.consumed());
    }

    @Test
    void aPaxHeaderOfCountlessTinyRecordsIsRefused() {
        // 6-byte records: ~170 000 map entries (tens of MB of heap) from one 1 MiB header
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        for (int i = 0; records.size() < MIB - 64; i++) {
            records.writeBytes(RawTar.paxRecord("k" + Integer.toString(i, 36), new byte[] {(byte) 0x76}));
        }
        byte[] tar = concat(RawTar.member("PaxHeaders/many", 'x', records.toByteArray()), fileAndEnd());
        TarFormatException e = assertThrows(TarFormatException.class, () -> new TarReader(new ByteArrayInputStream(tar)).next());
        assertTrue(e.getMessage().contains("records"), e.getMessage());
    }

    @Test
    void ordinaryMetadataWithinTheLimitsIsRead() throws IOException {
        byte[] xattr = new byte[60 << 10]; // near the kernel's largest xattr value
        Arrays.fill(xattr, (byte) 'v');
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        pax.writeBytes(RawTar.paxRecord("path", ("d/".repeat(1000) + "file").getBytes(StandardCharsets.UTF_8)));
        pax.writeBytes(RawTar.paxRecord("SCHILY.xattr.user.big", xattr));
        byte[] global = RawTar.member("PaxHeaders/global", 'g', RawTar.paxRecord("comment", "built by a test".getBytes(StandardCharsets.UTF_8)));
        byte[] tar = concat(concat(global, RawTar.member("PaxHeaders/x", 'x', pax.toByteArray())), fileAndEnd());
        TarReader reader = new TarReader(new ByteArrayInputStream(tar));
        TarEntry e = reader.next();
        assertEquals("d/".repeat(1000) + "file", e.name());
        assertEquals(60 << 10, e.xattrs().get("user.big").length);
        assertNull(reader.next());
    }
}
