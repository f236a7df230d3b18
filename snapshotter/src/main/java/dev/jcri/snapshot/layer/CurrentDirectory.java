package dev.jcri.snapshot.layer;

import dev.jcri.linux.DirectoryHandle;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The directory files are being created in, kept open from one entry to the next so each file is
 * created by its name relative to it (one name lookup in the kernel, not a walk of the whole
 * path). Tar members of one directory mostly come together, so a one-entry cache opens each
 * directory about once.
 *
 * <p>Paths come from the {@link DirectoryResolver}: real, symlink-free directories of the layer.
 * Removing a directory must {@link #drop()} the handle, or it would point at the removed one.
 */
final class CurrentDirectory implements AutoCloseable {
    private DirectoryHandle open;

    DirectoryHandle of(Path dir) throws IOException {
        if (open != null) {
            if (open.path().equals(dir)) {
                return open;
            }
            drop();
        }
        open = DirectoryHandle.open(dir);
        return open;
    }

    void drop() throws IOException {
        if (open != null) {
            DirectoryHandle closing = open;
            open = null;
            closing.close();
        }
    }

    @Override
    public void close() throws IOException {
        drop();
    }
}
