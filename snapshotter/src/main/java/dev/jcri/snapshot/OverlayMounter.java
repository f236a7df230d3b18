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
        List<String> cmd = new ArrayList<>(List.of("mount", "-i", "-t", "overlay", "-o", relative));
        if (upperId == null) {
            cmd.add("-r");
        }
        cmd.add("overlay");
        cmd.add(target.toAbsolutePath().toString());
        ChildProcess.command(cmd).directory(snapshotsDir).timeout(MOUNT_TIMEOUT).outputLimit(64 * 1024)
                .run().requireSuccess();
    }

    /**
     * An overlay whose lower layers are read through {@code lowersView} (an idmapped view of the
     * snapshots directory) and whose upper layer is {@code upperId}'s own directory; without lower
     * layers, the upper directory is bind-mounted alone. Absolute paths only: the relative form
     * would resolve the upper layer through the view too.
     */
    void mountOverlay(List<Long> lowerIdsTopFirst, long upperId, Path target, Path lowersView) throws IOException {
        if (lowerIdsTopFirst.isEmpty()) {
            mountBind(upperId, target, false);
            return;
        }
        List<String> lowers = new ArrayList<>(lowerIdsTopFirst.size());
        for (long id : lowerIdsTopFirst) {
            lowers.add(escape(lowersView.resolve(id + "/fs").toString()));
        }
        String options = "lowerdir=" + String.join(":", lowers) + ",upperdir=" + escape(dir(upperId, "fs", false))
                + ",workdir=" + escape(dir(upperId, "work", false));
        if (options.length() + VOLATILE.length() > MAX_OPTIONS_LENGTH) {
            throw new IOException("cannot mount " + target + " for a user namespace: a chain of " + lowerIdsTopFirst.size()
                    + " layers does not fit in overlay's mount options");
        }
        mountWritable(options, target, upperId);
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
