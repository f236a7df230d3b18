package dev.jcri.snapshot;

import dev.jcri.linux.ChildProcess;
import dev.jcri.linux.MountFlags;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.NativeCallException;
import jnr.constants.platform.Errno;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Mounts snapshots: overlay for chains, bind mounts for single directories.
 *
 * <p>Deep chains: mount(2) copies at most one page (4096 bytes) of option data, so a lowerdir list
 * of a hundred absolute paths does not fit. Two measures:
 * <ol>
 *   <li>Directory names are short numeric snapshot ids ({@code <root>/snapshots/17/fs}).</li>
 *   <li>If the absolute form is still too long, the options use paths relative to the snapshots
 *       directory ({@code lowerdir=17/fs:16/fs:...}), which the kernel resolves against the
 *       working directory of the process calling mount(2). The JVM cannot chdir one thread
 *       (cwd is per process, and changing it would break every relative path elsewhere in the
 *       daemon), so that mount is done by util-linux {@code mount} started with the snapshots
 *       directory as its working directory. Its cost (a fork/exec, a few ms) is paid only by
 *       chains too deep for the direct call: about 60+ layers under a typical root.</li>
 * </ol>
 * Relative options fit ~500 layers, overlayfs' own maximum. (Kernels >= 6.8 also accept layers one
 * by one through fsconfig "lowerdir+", which lifts the page limit; not used, to keep one path for
 * all kernels.)
 */
final class OverlayMounter {
    /** mount(2) data is one page including the terminating NUL. */
    static final int MAX_OPTIONS_LENGTH = 4095;
    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(60);

    /** overlayfs' option that drops every sync of the upper layer (Linux 5.10+). */
    static final String VOLATILE = ",volatile";

    private final Path snapshotsDir;
    /** Whether writable mounts get {@link #VOLATILE}; cleared when the kernel refuses it (older than 5.10). */
    private volatile boolean volatileUpper = true;

    OverlayMounter(Path snapshotsDir) {
        this.snapshotsDir = snapshotsDir;
    }

    /** What overlay option data would look like; visible for tests and diagnostics. */
    String options(List<Long> lowerIdsTopFirst, Long upperId, boolean relative) {
        List<String> lowers = new ArrayList<>(lowerIdsTopFirst.size());
        for (long id : lowerIdsTopFirst) {
            lowers.add(escape(dir(id, "fs", relative)));
        }
        StringBuilder o = new StringBuilder("lowerdir=").append(String.join(":", lowers));
        if (upperId != null) {
            o.append(",upperdir=").append(escape(dir(upperId, "fs", relative)));
            o.append(",workdir=").append(escape(dir(upperId, "work", relative)));
        }
        return o.toString();
    }

    /**
     * Mounts an overlay of {@code lowerIdsTopFirst} (at least one) with {@code upperId} writable on
     * top, or read-only when {@code upperId} is null (overlayfs then needs two or more lowers).
     */
    void mountOverlay(List<Long> lowerIdsTopFirst, Long upperId, Path target) throws IOException {
        long flags = upperId == null ? MountFlags.MS_RDONLY : 0;
        String absolute = options(lowerIdsTopFirst, upperId, false);
        if (absolute.length() + VOLATILE.length() <= MAX_OPTIONS_LENGTH) {
            if (upperId == null) {
                Mounts.mount("overlay", target, "overlay", flags, absolute);
            } else {
                mountWritable(absolute, target, upperId);
            }
            return;
        }
        String relative = options(lowerIdsTopFirst, upperId, true); // chains this deep: a plain (not volatile) mount
        if (relative.length() > MAX_OPTIONS_LENGTH) {
            throw new IOException("cannot mount " + target + ": a chain of " + lowerIdsTopFirst.size()
                    + " layers does not fit in overlay's mount options even with relative paths");
        }
        mountFrom(snapshotsDir, relative, upperId == null, target);
    }

    /** An overlay mounted by util-linux {@code mount} working in {@code dir}: relative paths in {@code options} resolve there. */
    private static void mountFrom(Path dir, String options, boolean readOnly, Path target) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("mount", "-i", "-t", "overlay", "-o", options));
        if (readOnly) {
            cmd.add("-r");
        }
        cmd.add("overlay");
        cmd.add(target.toAbsolutePath().toString());
        ChildProcess.command(cmd).directory(dir).timeout(MOUNT_TIMEOUT).outputLimit(64 * 1024).run().requireSuccess();
    }

    /**
     * An overlay whose lower layers are read through {@code lowersView} (an idmapped view of the
     * snapshots directory) and whose upper layer is {@code upperId}'s own directory; without lower
     * layers, the upper directory is bind-mounted alone.
     *
     * <p>The view's absolute paths are long (the view lives in the container's own state
     * directory), so the one page of mount options held only about 40 of them. A deeper chain is
     * mounted as the plain one is: by util-linux {@code mount} started in the view, the lower
     * layers relative to it ({@code 17/fs}, resolved through the idmapped view), the upper and
     * work directories absolute (never through the view: overlayfs cannot use an idmapped upper).
     * That fits ~500 layers, overlayfs' own maximum.
     */
    void mountOverlay(List<Long> lowerIdsTopFirst, long upperId, Path target, Path lowersView) throws IOException {
        if (lowerIdsTopFirst.isEmpty()) {
            mountBind(upperId, target, false);
            return;
        }
        String upper = ",upperdir=" + escape(dir(upperId, "fs", false)) + ",workdir=" + escape(dir(upperId, "work", false));
        List<String> lowers = new ArrayList<>(lowerIdsTopFirst.size());
        for (long id : lowerIdsTopFirst) {
            lowers.add(escape(lowersView.resolve(id + "/fs").toString()));
        }
        String absolute = "lowerdir=" + String.join(":", lowers) + upper;
        if (absolute.length() + VOLATILE.length() <= MAX_OPTIONS_LENGTH) {
            mountWritable(absolute, target, upperId);
            return;
        }
        lowers.clear();
        for (long id : lowerIdsTopFirst) {
            lowers.add(escape(id + "/fs"));
        }
        String relative = "lowerdir=" + String.join(":", lowers) + upper;
        if (relative.length() > MAX_OPTIONS_LENGTH) {
            throw new IOException("cannot mount " + target + " for a user namespace: a chain of " + lowerIdsTopFirst.size()
                    + " layers does not fit in overlay's mount options even with relative paths");
        }
        mountFrom(lowersView, relative, false, target); // chains this deep: a plain (not volatile) mount
    }

    /**
     * Mounts a container's writable overlay "volatile": overlayfs then skips every sync of the
     * upper layer, above all the syncfs(2) of the whole upper file system that unmounting a
     * writable overlay does (5-60 ms measured on a busy node, on every RemoveContainer, to flush
     * a directory about to be deleted). Nothing is lost by it: a container's writable layer never
     * outlives its container, and no container survives a power loss (kubelet makes new ones, on
     * new snapshots), so its durability is never observable. overlayfs marks a volatile upper
     * layer's work directory ({@code work/work/incompat/volatile}) and refuses any later mount of
     * it while the mark is there, meaning "may be inconsistent after a crash"; jcri mounts a
     * container's snapshot once, and never again after a reboot, so a second mount through this
     * API is one the caller asked for on a consistent layer: the mark is cleared first. A kernel
     * that does not know the option (EINVAL, before 5.10) gets the plain mount from then on.
     */
    private void mountWritable(String options, Path target, long upperId) throws IOException {
        TreeDeletion.delete(snapshotsDir.resolve(upperId + "/work/work/incompat/volatile"));
        if (volatileUpper) {
            try {
                Mounts.mount("overlay", target, "overlay", 0, options + VOLATILE);
                return;
            } catch (NativeCallException e) {
                if (!e.is(Errno.EINVAL)) {
                    throw e;
                }
                volatileUpper = false; // an older kernel; a bad option of ours fails again just below
            }
        }
        Mounts.mount("overlay", target, "overlay", 0, options);
    }

    /** Bind-mounts one snapshot directory (a single-layer view, or a writable snapshot without parent). */
    void mountBind(long id, Path target, boolean readOnly) throws IOException {
        Mounts.bind(snapshotsDir.resolve(Long.toString(id)).resolve("fs"), target, readOnly);
    }

    private String dir(long id, String sub, boolean relative) {
        String rel = id + "/" + sub;
        return relative ? rel : snapshotsDir.resolve(rel).toString();
    }

    /** overlayfs splits lowerdir on ':' and options on ','; a backslash escapes them (and itself). */
    static String escape(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == ':' || c == ',' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
