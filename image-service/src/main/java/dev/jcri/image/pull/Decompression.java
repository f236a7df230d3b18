package dev.jcri.image.pull;

import com.github.luben.zstd.ZstdInputStream;
import dev.jcri.image.manifest.MediaTypes.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Opens a layer as an uncompressed tar stream. The format is taken from the stream's magic bytes
 * (gzip 1f 8b, zstd 28 b5 2f fd), falling back to the media type: some registries and tools label
 * layers loosely, the bytes do not lie.
 */
final class Decompression {
    private Decompression() {}

    static InputStream open(InputStream compressed, Compression declared) throws IOException {
        BufferedInputStream in = new BufferedInputStream(compressed, 256 * 1024);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        Compression actual = sniff(magic, declared);
        return switch (actual) {
            case GZIP -> new GZIPInputStream(in, 256 * 1024);
            case ZSTD -> new BufferedInputStream(new ZstdInputStream(in), 256 * 1024);
            case NONE -> in;
        };
    }

    static Compression sniff(byte[] magic, Compression declared) {
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        return Compression.NONE; // not compressed, whatever the media type claims: the diffID check decides
    }
}
