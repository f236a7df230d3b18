package dev.jcri.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jcri.snapshot.tar.TarEntry;
import dev.jcri.snapshot.tar.TarReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
}
