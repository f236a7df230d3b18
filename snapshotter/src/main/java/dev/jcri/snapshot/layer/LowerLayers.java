package dev.jcri.snapshot.layer;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The committed layers beneath the one being applied, looked up the way overlayfs merges them.
 *
 * <p>Needed only when a layer refers to something it does not contain itself: a hardlink to a file
 * of a lower layer (copied up first), or a file whose parent directory exists only below (created
 * here with the lower directory's metadata, as overlayfs' copy-up would).
 *
 * @param topFirst the lower layers' directories, nearest parent first
 */
public record LowerLayers(List<Path> topFirst) {

    public static final String OPAQUE_XATTR = "trusted.overlay.opaque";

    public LowerLayers {
        topFirst = List.copyOf(topFirst);
    }

    public static LowerLayers none() {
        return new LowerLayers(List.of());
    }

    /** A file found in a lower layer: where it is and what it is. */
    public record LowerFile(Path path, FileStatus status) {}

    /**
     * What the merged view of the lower layers shows at {@code parts} (no symlink following), or
     * empty if nothing or a whiteout. Per layer, top down: an ancestor that is a whiteout or a
     * non-directory hides the path from here on down; an opaque ancestor hides the layers below it.
     */
    public Optional<LowerFile> lookup(List<String> parts) throws IOException {
        if (parts.isEmpty()) {
            return Optional.empty();
        }
        for (Path layer : topFirst) {
            boolean opaqueHere = false;
            boolean absentHere = false;
            Path p = layer;
            for (int i = 0; i < parts.size() - 1; i++) {
                p = p.resolve(parts.get(i));
                Optional<FileStatus> st = PosixFiles.lstatIfExists(p);
                if (st.isEmpty()) {
                    absentHere = true; // this layer says nothing about the path; look further down
                    break;
                }
                if (!st.get().isDirectory()) {
                    return Optional.empty(); // whiteout or a file replacing the directory: deleted from here down
                }
                if (!opaqueHere && Xattrs.get(p, OPAQUE_XATTR).isPresent()) {
                    opaqueHere = true;
                }
            }
            if (!absentHere) {
                Path candidate = p.resolve(parts.getLast());
                Optional<FileStatus> st = PosixFiles.lstatIfExists(candidate);
                if (st.isPresent()) {
                    return st.get().isWhiteout() ? Optional.empty() : Optional.of(new LowerFile(candidate, st.get()));
                }
            }
            if (opaqueHere) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
