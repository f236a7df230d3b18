package dev.jcri.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The snapshotter as image-service sees it: committed, read-only layers keyed by their OCI chain ID.
 *
 * <p>A chain ID names a layer together with everything beneath it (OCI image spec: chainID(L0) =
 * diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln))), so two images sharing a base
 * share its snapshots. The caller computes chain IDs and decompresses layers; this side only sees
 * uncompressed tar streams.
 *
 * <p>Implemented by {@link OverlaySnapshotter}, which also offers the container side (writable
 * snapshots, views, mounts, garbage collection).
 */
public interface LayerStore {

    /** Whether a committed layer with this chain ID exists (fully applied, visible after a restart). */
    boolean hasLayer(String chainId);

    /**
     * Applies an uncompressed layer tar on top of {@code parentChainId} (null for a base layer) and
     * commits it as {@code chainId}. Atomic: on failure nothing of it remains; if the layer already
     * exists the stream is not read and the call returns. Concurrent calls for the same chain ID
     * apply it once.
     *
     * <p>The stream is read to its end (past the tar end-of-archive marker), so a digest computed
     * by a wrapping stream covers every byte. The caller closes it.
     *
     * @throws IOException on a malformed tar, an I/O error, or a missing parent
     */
    void applyLayer(String chainId, String parentChainId, InputStream uncompressedTar) throws IOException;

    /** Bytes and inodes a committed layer uses on disk (its own directory, not its parents). */
    Optional<Usage> layerUsage(String chainId) throws IOException;

    /**
     * Releases a layer no image references any more. Refused (returns false) while another
     * snapshot is built on it or a container's writable snapshot uses it; true once it is gone
     * (also when it never existed).
     */
    boolean removeLayer(String chainId) throws IOException;

    /** Disk usage of one snapshot. */
    record Usage(long bytes, long inodes) {}
}
