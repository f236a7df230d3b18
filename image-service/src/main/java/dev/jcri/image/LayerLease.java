package dev.jcri.image;

import java.util.List;

/**
 * Holds an image's layers: while a lease is open, removing the image (kubelet may do so while a
 * container still uses it) keeps the layers, and they are released when the last lease closes.
 * Container code takes one from {@link ImageService#lease} before building a rootfs on the layers
 * and closes it when the container is removed. Leases live in memory: after a daemon restart the
 * container code takes them again for the containers it recovers. Closing twice is harmless.
 */
public final class LayerLease implements AutoCloseable {

    private final Image image;
    private final Runnable release;
    private boolean closed;

    LayerLease(Image image, Runnable release) {
        this.image = image;
        this.release = release;
    }

    public Image image() {
        return image;
    }

    public List<String> chainIds() {
        return image.chainIds();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }
}
