package dev.jcri.image.pull;

import dev.jcri.image.error.DigestMismatchException;
import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.LocalIo;
import dev.jcri.image.error.UnsupportedImageException;
import dev.jcri.image.manifest.MediaTypes.Compression;
import dev.jcri.image.ref.Digest;
import dev.jcri.image.ref.DigestVerifyingInputStream;
import dev.jcri.snapshot.LayerStore;
import dev.jcri.snapshot.layer.LayerApplyException;
import dev.jcri.snapshot.tar.TarFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.ZipException;

/**
 * Applies a downloaded layer to the snapshotter: decompresses it and verifies its diffID (the
 * sha256 of the uncompressed tar) while the snapshotter reads it; a mismatch fails the read before
 * the snapshotter commits, and if a snapshotter ever stopped reading early, the layer is drained,
 * checked and removed again on mismatch.
 */
final class LayerUnpacker {

    private final LayerStore layers;

    LayerUnpacker(LayerStore layers) {
        this.layers = layers;
    }

    /**
     * @param compressed the layer blob as it downloads: its end is reported only once the whole
     *                   blob arrived with its digest checked (else a {@link LayerSpool.DownloadFailedException})
     */
    void apply(InputStream compressed, Compression compression, Digest diffId, Digest chainId, Digest parent, String what)
            throws ImageException {
        try (InputStream tar = new BlobEndFirst(Decompression.open(compressed, compression), compressed)) {
            DigestVerifyingInputStream verified = new DigestVerifyingInputStream(tar, diffId, -1, what + " (uncompressed)");
            try {
                layers.applyLayer(chainId.toString(), parent == null ? null : parent.toString(), verified);
            } catch (IOException e) {
                throw translate(e, what);
            }
            if (!verified.isVerified()) {
                try {
                    verified.drainAndVerify();
                } catch (IOException e) {
                    layers.removeLayer(chainId.toString());
                    throw translate(e, what);
                }
            }
        } catch (IOException e) {
            throw translate(e, what);
        }
    }

    /**
     * The uncompressed tar, whose end waits for the end of the compressed blob: a decompressor stops
     * after its trailer without reading the blob to its end, and the snapshotter commits at the end
     * of the tar; so the download's own verdict (whole, digest checked) comes first, and a blob
     * that fails it is never committed.
     */
    private static final class BlobEndFirst extends java.io.FilterInputStream {
        private final InputStream blob;

        BlobEndFirst(InputStream tar, InputStream blob) {
            super(tar);
            this.blob = blob;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            return b < 0 ? end() : b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            return n < 0 ? end() : n;
        }

        private int end() throws IOException {
            blob.transferTo(OutputStream.nullOutputStream()); // bytes past the compressed stream's end are the blob's too (verified)
            return -1;
        }
    }

    private static ImageException translate(IOException e, String what) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof LayerSpool.DownloadFailedException d) {
                return d.error(); // the registry side failed: report that, not the read it broke
            }
            if (c instanceof DigestVerifyingInputStream.MismatchException m) {
                return new DigestMismatchException(m.getMessage() + "; layer discarded");
            }
            if (c instanceof ZipException || c instanceof com.github.luben.zstd.ZstdIOException) {
                return new UnsupportedImageException(what + " cannot be decompressed: " + c.getMessage());
            }
            if (!LocalIo.isDiskFull(e)
                    && (c instanceof TarFormatException || (c instanceof LayerApplyException && c.getCause() == null))) {
                // the layer itself is malformed or over a limit (a PAX bomb): the image's fault, not the node's
                return new UnsupportedImageException(what + " is not a usable layer: " + c.getMessage());
            }
        }
        return LocalIo.failure("unpacking " + what, e);
    }
}
