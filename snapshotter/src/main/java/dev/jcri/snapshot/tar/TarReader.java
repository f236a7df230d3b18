package dev.jcri.snapshot.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A streaming reader of ustar/GNU/PAX tar archives, as found in OCI image layers.
 *
 * <p>Why our own instead of commons-compress: PAX record values are bytes, and
 * {@code SCHILY.xattr.security.capability} is binary; commons-compress decodes every PAX value as
 * UTF-8 text, which corrupts capability bytes >= 0x80 (e.g. CAP_SETUID). Owning the reader also lets
 * file content flow from one large buffer straight to the output without intermediate streams.
 *
 * <p>Supports: ustar (with the 155-byte prefix), GNU long names/links ('L', 'K'), PAX local and
 * global headers ('x', 'g': path, linkpath, size, uid, gid, mtime, xattrs), base-256 numbers, header
 * checksums. GNU sparse files are reported as {@link TarEntry.Type#UNSUPPORTED}: OCI layers
 * produced by Go's archive/tar never contain them.
 *
 * <p>Bounded: the metadata that comes before one entry (its PAX records, the global PAX records
 * still in force, GNU long name and link) is at most {@link #MAX_ENTRY_METADATA_BYTES} in total and
 * {@link #MAX_PAX_RECORDS} records; a header that would pass either limit is refused before it is
 * read. One PAX header compresses to almost nothing, so without a total a small layer could hold
 * hundreds of them in front of a single entry and fill the daemon's heap (a "PAX bomb"). Go's
 * archive/tar keeps only the last 'x' header; we merge them, so the total is what must be bounded.
 *
 * <p>Use: {@code while ((e = reader.next()) != null) { if (e.size() > 0) reader.copyContent(out); }};
 * content not read is skipped by the next {@link #next()}. After the end-of-archive marker the rest
 * of the stream is drained, so a digest computed by a wrapping stream covers every byte.
 */
public final class TarReader {
    private static final int BLOCK = 512;
    /**
     * Metadata bytes one entry may carry: its PAX headers, the global PAX headers in force and GNU
     * long name and link together (Go's archive/tar allows 1 MiB for one such header). A real entry
     * needs a few KiB: a path, a link, xattrs of at most 64 KiB each.
     */
    public static final int MAX_ENTRY_METADATA_BYTES = 1 << 20;
    /** PAX records one entry may carry (each becomes a map entry, maybe an xattr to set). */
    public static final int MAX_PAX_RECORDS = 4096;

    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    private long remainingContent; // bytes of the current entry's content not yet consumed
    private long remainingPadding; // zero bytes after the content up to the next 512-byte boundary
    private final Map<String, byte[]> globalPax = new HashMap<>();
    /** Bytes of the global PAX headers read so far: they weigh on every later entry. */
    private long globalPaxBytes;
    private boolean finished;
    private long entryCount;

    public TarReader(InputStream in) {
        this(in, 1 << 20);
    }

    public TarReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buf = new byte[Math.max(bufferSize, 8 * BLOCK)];
    }

    /** The next entry, or null after the end-of-archive marker (or a clean EOF between entries). */
    public TarEntry next() throws IOException {
        if (finished) {
            return null;
        }
        skip(remainingContent + remainingPadding);
        remainingContent = 0;
        remainingPadding = 0;

        String longName = null;
        String longLink = null;
        Map<String, byte[]> pax = new HashMap<>(globalPax);
        long metadataBytes = globalPaxBytes; // what this entry's metadata has cost so far
        while (true) {
            if (!fill(BLOCK)) {
                if (limit - pos == 0) { // EOF exactly at a block boundary: accept as the end (some writers omit the marker)
                    finished = true;
                    return null;
                }
                throw new TarFormatException("truncated tar header after " + entryCount + " entries");
            }
            int h = pos;
            if (isZeroBlock(h)) {
                finished = true;
                pos += BLOCK;
                drain();
                return null;
            }
            verifyChecksum(h);
            pos += BLOCK;
            char flag = (char) (buf[h + 156] & 0xff);
            long size = parseNumber(h + 124, 12, "size");
            if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
                String what = switch (flag) {
                    case 'x' -> "PAX header";
                    case 'g' -> "PAX global header";
                    case 'L' -> "GNU long name";
                    default -> "GNU long link";
                };
                metadataBytes = checkMetadataBudget(metadataBytes, size, what);
                byte[] data = readMeta(size, what);
                switch (flag) {
                    case 'x' -> parsePax(data, pax);
                    case 'g' -> {
                        Map<String, byte[]> global = new HashMap<>();
                        parsePax(data, global);
                        globalPax.putAll(global);
                        globalPaxBytes += size;
                        pax.putAll(global);
                    }
                    case 'L' -> longName = cString(data);
                    default -> longLink = cString(data);
                }
                if (pax.size() > MAX_PAX_RECORDS) {
                    throw tooManyRecords();
                }
                continue;
            }
            TarEntry entry = buildEntry(h, flag, size, longName, longLink, pax);
            remainingContent = entry.size();
            remainingPadding = padding(entry.size());
            entryCount++;
            return entry;
        }
    }

    /** Where {@link #copyContent(ContentSink)} puts content: slices of the reader's own buffer, valid during the call only. */
    @FunctionalInterface
    public interface ContentSink {
        void write(byte[] b, int off, int len) throws IOException;
    }

    /** Copies the current entry's remaining content to {@code out}. */
    public void copyContent(OutputStream out) throws IOException {
        copyContent(out::write);
    }

    /** Copies the current entry's remaining content to {@code sink}, straight from the read buffer. */
    public void copyContent(ContentSink sink) throws IOException {
        while (remainingContent > 0) {
            if (pos == limit && !fill(1)) {
                throw new TarFormatException("truncated tar: content ends early, " + remainingContent + " bytes missing");
            }
            int n = (int) Math.min(remainingContent, limit - pos);
            sink.write(buf, pos, n);
            pos += n;
            remainingContent -= n;
        }
    }

    /** Number of entries returned so far. */
    public long entryCount() {
        return entryCount;
    }

    private TarEntry buildEntry(int h, char flag, long headerSize, String longName, String longLink,
                                Map<String, byte[]> pax) throws IOException {
        String name = longName != null ? longName : headerName(h);
        String link = longLink != null ? longLink : cString(buf, h + 157, 100);
        long size = headerSize;
        long uid = parseNumber(h + 108, 8, "uid");
        long gid = parseNumber(h + 116, 8, "gid");
        long mtime = parseNumber(h + 136, 12, "mtime");
        long mtimeNanos = 0;
        int mode = (int) (parseNumber(h + 100, 8, "mode") & 07777);
        int devMajor = (int) parseNumber(h + 329, 8, "devmajor");
        int devMinor = (int) parseNumber(h + 337, 8, "devminor");
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        boolean sparse = false;
        for (Map.Entry<String, byte[]> e : pax.entrySet()) {
            String key = e.getKey();
            byte[] value = e.getValue();
            switch (key) {
                case "path" -> name = utf8(value);
                case "linkpath" -> link = utf8(value);
                case "size" -> size = paxLong(key, value);
                case "uid" -> uid = paxLong(key, value);
                case "gid" -> gid = paxLong(key, value);
                case "mtime" -> {
                    long[] t = paxTime(value);
                    mtime = t[0];
                    mtimeNanos = t[1];
                }
                default -> {
                    if (key.startsWith("SCHILY.xattr.")) {
                        xattrs.put(key.substring("SCHILY.xattr.".length()), value);
                    } else if (key.startsWith("LIBARCHIVE.xattr.")) {
                        // libarchive: URL-encoded name, base64 value
                        String xname = java.net.URLDecoder.decode(key.substring("LIBARCHIVE.xattr.".length()),
                                StandardCharsets.UTF_8);
                        xattrs.putIfAbsent(xname, Base64.getDecoder().decode(utf8(value).strip()));
                    } else if (key.startsWith("GNU.sparse.")) {
                        sparse = true;
                    }
                }
            }
        }
        TarEntry.Type type = switch (flag) {
            case '0', '\0', '7' -> TarEntry.Type.FILE; // '7' contiguous file: a regular file everywhere we care
            case '1' -> TarEntry.Type.HARDLINK;
            case '2' -> TarEntry.Type.SYMLINK;
            case '3' -> TarEntry.Type.CHAR_DEVICE;
            case '4' -> TarEntry.Type.BLOCK_DEVICE;
            case '5' -> TarEntry.Type.DIRECTORY;
            case '6' -> TarEntry.Type.FIFO;
            default -> TarEntry.Type.UNSUPPORTED;
        };
        if (sparse || flag == 'S') {
            type = TarEntry.Type.UNSUPPORTED;
        }
        if (size < 0) {
            throw new TarFormatException("negative size in entry '" + name + "'");
        }
        if (type != TarEntry.Type.FILE && type != TarEntry.Type.UNSUPPORTED) {
            size = 0; // header-only types carry no data whatever the size field says (as Go's archive/tar reads them)
        }
        return new TarEntry(name, link, type, flag, mode, uid, gid, size, mtime, mtimeNanos, devMajor, devMinor,
                Map.copyOf(xattrs));
    }

    /** ustar splits long names into prefix (155 bytes at 345) + name; GNU uses that area for other fields. */
    private String headerName(int h) {
        String name = cString(buf, h, 100);
        boolean posixUstar = buf[h + 257] == 'u' && buf[h + 258] == 's' && buf[h + 259] == 't' && buf[h + 260] == 'a'
                && buf[h + 261] == 'r' && buf[h + 262] == 0;
        if (posixUstar && buf[h + 345] != 0) {
            return cString(buf, h + 345, 155) + "/" + name;
        }
        return name;
    }

    private void verifyChecksum(int h) throws TarFormatException {
        long expected;
        try {
            expected = parseNumber(h + 148, 8, "checksum");
        } catch (TarFormatException e) {
            throw new TarFormatException("not a tar header (unreadable checksum) after " + entryCount + " entries", e);
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            byte b = (i >= 148 && i < 156) ? (byte) ' ' : buf[h + i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (expected != unsigned && expected != signed) { // some old tars summed signed bytes
            throw new TarFormatException("tar header checksum mismatch after " + entryCount
                    + " entries (corrupt or not a tar stream)");
        }
    }

    /** Octal ASCII (space/NUL padded) or, with the high bit set, GNU base-256 big-endian. */
    private long parseNumber(int off, int len, String field) throws TarFormatException {
        if ((buf[off] & 0x80) != 0) {
            // GNU base-256: big-endian two's complement; bit 7 of the first byte only marks the encoding.
            // Negative numbers start with 0xff: invert while reading, invert the result (-a-1 == ~a).
            int invert = (buf[off] & 0x40) != 0 ? 0xff : 0;
            long value = 0;
            for (int i = 0; i < len; i++) {
                int b = (buf[off + i] & 0xff) ^ invert;
                if (i == 0) {
                    b &= 0x7f;
                }
                if ((value >>> 55) != 0) {
                    throw new TarFormatException("tar " + field + " field overflows");
                }
                value = (value << 8) | b;
            }
            return invert != 0 ? ~value : value;
        }
        int i = off;
        int end = off + len;
        while (i < end && (buf[i] == ' ' || buf[i] == 0)) {
            i++;
        }
        long value = 0;
        for (; i < end; i++) {
            byte b = buf[i];
            if (b == ' ' || b == 0) {
                break;
            }
            if (b < '0' || b > '7') {
                throw new TarFormatException("invalid octal digit in tar " + field + " field");
            }
            value = (value << 3) | (b - '0');
        }
        return value;
    }

    private TarFormatException tooManyRecords() {
        return new TarFormatException("more than " + MAX_PAX_RECORDS + " PAX records for entry " + (entryCount + 1)
                + " (the limit of records per entry)");
    }

    /**
     * PAX records: "LEN key=value\n", LEN counting the whole record in bytes; values are raw bytes.
     * Stops at {@link #MAX_PAX_RECORDS} records: tiny records would cost far more heap than bytes.
     */
    private void parsePax(byte[] data, Map<String, byte[]> into) throws TarFormatException {
        int i = 0;
        while (i < data.length) {
            if (data[i] == 0) {
                break; // NUL padding some writers leave at the end
            }
            int space = i;
            int len = 0;
            while (space < data.length && data[space] != ' ') {
                byte b = data[space];
                if (b < '0' || b > '9' || len > MAX_ENTRY_METADATA_BYTES) {
                    throw new TarFormatException("malformed PAX record length");
                }
                len = len * 10 + (b - '0');
                space++;
            }
            int end = i + len;
            if (len == 0 || space >= data.length || end > data.length || data[end - 1] != '\n') {
                throw new TarFormatException("malformed PAX record");
            }
            int eq = space + 1;
            while (eq < end && data[eq] != '=') {
                eq++;
            }
            if (eq >= end) {
                throw new TarFormatException("malformed PAX record (no '=')");
            }
            String key = new String(data, space + 1, eq - space - 1, StandardCharsets.UTF_8);
            byte[] value = java.util.Arrays.copyOfRange(data, eq + 1, end - 1);
            into.put(key, value); // an empty value deletes in PAX terms; treated as "unset" by the parsers above
            if (value.length == 0) {
                into.remove(key);
            }
            if (into.size() > MAX_PAX_RECORDS) {
                throw tooManyRecords();
            }
            i = end;
        }
    }

    private static long paxLong(String key, byte[] value) throws TarFormatException {
        try {
            return Long.parseLong(utf8(value).strip());
        } catch (NumberFormatException e) {
            throw new TarFormatException("malformed PAX " + key + " value", e);
        }
    }

    /** "1700000000.123456789" (fraction optional, may be negative) into seconds and nanoseconds. */
    private static long[] paxTime(byte[] value) throws TarFormatException {
        String s = utf8(value).strip();
        try {
            int dot = s.indexOf('.');
            if (dot < 0) {
                return new long[] {Long.parseLong(s), 0};
            }
            long seconds = Long.parseLong(s.substring(0, dot).isEmpty() ? "0" : s.substring(0, dot));
            String frac = (s.substring(dot + 1) + "000000000").substring(0, 9);
            long nanos = Long.parseLong(frac);
            if (s.startsWith("-") && nanos > 0) { // -1.5 means 1.5 s before the epoch
                seconds -= 1;
                nanos = 1_000_000_000 - nanos;
            }
            return new long[] {seconds, nanos};
        } catch (NumberFormatException e) {
            throw new TarFormatException("malformed PAX mtime value", e);
        }
    }

    /**
     * Refuses a metadata header before reading it when it would take the entry's metadata past
     * {@link #MAX_ENTRY_METADATA_BYTES}; returns the new total.
     */
    private long checkMetadataBudget(long sofar, long size, String what) throws TarFormatException {
        if (size < 0 || size > MAX_ENTRY_METADATA_BYTES - sofar) {
            throw new TarFormatException(what + " of " + size + " bytes for entry " + (entryCount + 1) + " takes its"
                    + " metadata (PAX headers, global PAX headers, GNU long name and link) past the limit of "
                    + MAX_ENTRY_METADATA_BYTES + " bytes (" + sofar + " bytes before it)");
        }
        return sofar + size;
    }

    private byte[] readMeta(long size, String what) throws IOException {
        byte[] data = new byte[(int) size];
        int done = 0;
        while (done < size) {
            if (pos == limit && !fill(1)) {
                throw new TarFormatException("truncated tar in " + what);
            }
            int n = Math.min((int) size - done, limit - pos);
            System.arraycopy(buf, pos, data, done, n);
            pos += n;
            done += n;
        }
        skip(padding(size));
        return data;
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            if (pos == limit && !fill(1)) {
                throw new TarFormatException("truncated tar: stream ends inside an entry");
            }
            int step = (int) Math.min(n, limit - pos);
            pos += step;
            n -= step;
        }
    }

    /** Reads everything after the end marker (trailing zero blocks), so wrapping digests see all bytes. */
    private void drain() throws IOException {
        pos = limit;
        while (in.read(buf) >= 0) {
            // discard
        }
    }

    /** Ensures at least {@code n} unread bytes in the buffer; false on EOF before that. */
    private boolean fill(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        while (limit < n) {
            int r = in.read(buf, limit, buf.length - limit);
            if (r < 0) {
                return false;
            }
            limit += r;
        }
        return true;
    }

    private boolean isZeroBlock(int h) {
        for (int i = 0; i < BLOCK; i++) {
            if (buf[h + i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padding(long size) {
        long rem = size % BLOCK;
        return rem == 0 ? 0 : BLOCK - rem;
    }

    private static String cString(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] data) {
        return cString(data, 0, data.length);
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
