package dev.jcri.snapshot.layer;

import dev.jcri.linux.FileStatus;
import dev.jcri.linux.PosixFiles;
import dev.jcri.linux.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the parent part of a member name into a real directory inside the layer, never outside.
 *
 * <p>Components are resolved one by one against the merged view (this layer over the lower ones),
 * without letting the kernel follow anything: a symlink met on the way, whether an earlier entry
 * of this layer planted it or a lower layer has it, is expanded here with the layer root as "/"
 * and {@code ..} stopping at the root (as if chrooted, like containerd's scoped resolution). So a
 * link {@code evil -> /etc} followed by {@code evil/passwd} writes {@code <layer>/etc/passwd}, and
 * {@code lib -> usr/lib} in a base layer makes {@code lib/x.so} land in {@code usr/lib}.
 *
 * <p>Missing directories are created; if a lower layer has one there, its owner, mode, xattrs and
 * mtime are copied (else the merged view would change that directory's attributes). A directory
 * that replaces a whiteout of this layer is made opaque, or the deleted lower content would reappear.
 *
 * <p>Resolved directories are cached (most entries share a parent with the previous one); removing
 * a directory must call {@link #forget}. The cache keeps the {@link #MAX_KNOWN} most recently used:
 * a layer of a million directories must not cost a million entries of heap, and a directory that
 * fell out is simply resolved again (an lstat per component).
 */
final class DirectoryResolver {
    private static final int MAX_SYMLINK_HOPS = 40; // Linux's own limit (ELOOP)
    /** Resolved directories remembered at most (a few MB of heap). */
    static final int MAX_KNOWN = 16_384;

    /** A resolved directory: the Path handed out for it, and whether it is setgid with a non-root group. */
    private record Known(Path path, boolean setsGroup) {}

    private final Path root;
    private final LowerLayers lowers;
    private final DirectoryTimes times;
    private final UsageTally usage;
    /** Resolved directories below the root by cleaned relative path, least recently used first. */
    private final Map<String, Known> knownDirectories;
    private boolean rootSetsGroup;
    /** Whether any directory met so far is setgid with a non-root group: if none, nothing inherits a group. */
    private boolean anySetsGroup;

    DirectoryResolver(Path root, LowerLayers lowers, DirectoryTimes times, UsageTally usage) {
        this(root, lowers, times, usage, MAX_KNOWN);
    }

    DirectoryResolver(Path root, LowerLayers lowers, DirectoryTimes times, UsageTally usage, int maxKnown) {
        this.root = root;
        this.lowers = lowers;
        this.times = times;
        this.usage = usage;
        this.knownDirectories = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                return size() > maxKnown;
            }
        };
    }

    /** The known directory at a cleaned relative path, or null. */
    private Path known(String rel) {
        if (rel.isEmpty()) {
            return root;
        }
        Known k = knownDirectories.get(rel);
        return k == null ? null : k.path();
    }

    /** A real directory in the layer for these cleaned components, created as needed. */
    Path resolve(List<String> parts, String entryName) throws IOException {
        Path known = known(LayerPaths.join(parts));
        if (known != null) {
            return known; // the common case: handing out the same Path lets callers compare by identity
        }
        Deque<String> todo = new ArrayDeque<>(parts);
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String c = todo.removeFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast(); // at the root, ".." is the root
                }
                continue;
            }
            done.add(c);
            String rel = LayerPaths.join(done);
            if (known(rel) != null) {
                continue;
            }
            Path p = root.resolve(rel);
            Optional<FileStatus> here = PosixFiles.lstatIfExists(p);
            String symlinkTarget = null;
            if (here.isPresent() && here.get().isDirectory()) {
                remember(p, here.get().permissions(), here.get().gid());
            } else if (here.isPresent() && here.get().isSymlink()) {
                symlinkTarget = PosixFiles.readlink(p);
            } else if (here.isPresent() && !here.get().isWhiteout()) {
                throw new LayerApplyException(entryName, "'" + rel + "' is not a directory in this layer");
            } else {
                // Absent here (or deleted by this layer's whiteout): what do the lower layers show?
                Optional<LowerLayers.LowerFile> lower = here.isPresent() ? Optional.empty() : lowers.lookup(done);
                if (lower.isPresent() && lower.get().status().isSymlink()) {
                    symlinkTarget = PosixFiles.readlink(lower.get().path());
                } else {
                    createDirectory(p, lower.filter(l -> l.status().isDirectory()), here.isPresent());
                    FileStatus made = PosixFiles.lstat(p);
                    remember(p, made.permissions(), made.gid());
                }
            }
            if (symlinkTarget != null) {
                if (++hops > MAX_SYMLINK_HOPS) {
                    throw new LayerApplyException(entryName, "too many levels of symbolic links at '" + rel + "'");
                }
                done.removeLast();
                if (symlinkTarget.startsWith("/")) {
                    done.clear(); // absolute targets are relative to the layer root, never the host's
                }
                List<String> expanded = List.of(symlinkTarget.split("/"));
                for (int i = expanded.size() - 1; i >= 0; i--) {
                    todo.addFirst(expanded.get(i));
                }
            }
        }
        String resolved = LayerPaths.join(done);
        Path dir = known(resolved); // every component was remembered on the way
        return dir != null ? dir : root.resolve(resolved);
    }

    private void createDirectory(Path p, Optional<LowerLayers.LowerFile> lowerDir, boolean replacesWhiteout)
            throws IOException {
        if (replacesWhiteout) {
            Files.delete(p);
            usage.invalidate(); // the whiteout was counted
        }
        Files.createDirectory(p);
        usage.directory(p);
        if (lowerDir.isPresent()) {
            FileStatus st = lowerDir.get().status();
            FileMetadata.copyFrom(lowerDir.get().path(), st, p);
            times.record(p, st.mtimeSeconds(), st.mtimeNanos());
        } else {
            PosixFiles.chmod(p, 0755); // what tar and containerd use for implied parents
        }
        if (replacesWhiteout) {
            Xattrs.set(p, LowerLayers.OPAQUE_XATTR, "y".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Records a directory the applier created or found at a cleaned, symlink-free path, with its final metadata. */
    void remember(Path dir, int permissions, long gid) {
        String rel = relative(dir);
        boolean setsGroup = setsGroup(permissions, gid);
        anySetsGroup |= setsGroup;
        if (rel.isEmpty()) {
            rootSetsGroup = setsGroup;
        } else {
            knownDirectories.put(rel, new Known(dir, setsGroup));
        }
    }

    private static boolean setsGroup(int permissions, long gid) {
        return (permissions & 02000) != 0 && gid != 0;
    }

    /** Whether entries created in {@code dir} (a resolved directory) inherit a non-root group. */
    boolean setsGroup(Path dir) throws IOException {
        if (!anySetsGroup) {
            return false; // the common case, without a lookup
        }
        String rel = relative(dir);
        if (rel.isEmpty()) {
            return rootSetsGroup;
        }
        Known k = knownDirectories.get(rel);
        if (k != null) {
            return k.setsGroup();
        }
        FileStatus st = PosixFiles.lstat(dir); // fell out of the cache: its metadata is final on disk
        return setsGroup(st.permissions(), st.gid());
    }

    /** Directories remembered now (for tests: never more than the limit). */
    int knownCount() {
        return knownDirectories.size();
    }

    /** Must be called before a path is removed: it and everything below stop being known directories. */
    void forget(Path removed) {
        String rel = relative(removed);
        String prefix = rel + "/";
        knownDirectories.keySet().removeIf(k -> rel.isEmpty() || k.equals(rel) || k.startsWith(prefix));
    }

    private String relative(Path p) {
        return root.relativize(p).toString();
    }
}
