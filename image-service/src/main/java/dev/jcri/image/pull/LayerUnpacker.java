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
import java.nio.file.Files;
import java.nio.file.Path;
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

    void apply(Path compressed, Compression compression, Digest diffId, Digest chainId, Digest parent, String what)
            throws ImageException {
        try (InputStream file = Files.newInputStream(compressed);
                InputStream tar = Decompression.open(file, compression)) {
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

    private static ImageException translate(IOException e, String what) {
        for (Throwable c = e; c != null; c = c.getCause()) {
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
