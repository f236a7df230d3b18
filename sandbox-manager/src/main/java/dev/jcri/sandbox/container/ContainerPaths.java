package dev.jcri.sandbox.container;

import java.nio.file.Path;

/**
 * Where containers' volatile files live under the state directory: bundles (config.json, rootfs,
 * the monitor's pid and control files), the monitor's exit reports and its attach sockets. One
 * place for the layout, shared by the life cycle and the runtime seam's conmon implementation.
 *
 * <p>Bundles carry the container's environment in config.json, so they are private to root
 * (0700, files 0600).
 */
public record ContainerPaths(Path state) {

    public Path bundles() {
        return state.resolve("containers");
    }

    /** Removed containers' bundles, deleted in the background (same file system as {@link #bundles()}: one rename). */
    public Path bundleTrash() {
        return state.resolve("containers-trash");
    }

    public Path bundle(String id) {
        return bundles().resolve(id);
    }

    public Path rootfs(String id) {
        return bundle(id).resolve("rootfs");
    }

    public Path config(String id) {
        return bundle(id).resolve("config.json");
    }

    /** The default log of a container whose pod and config name none. */
    public Path defaultLog(String id) {
        return bundle(id).resolve("console.log");
    }

    /** conmon's exit reports: {@code <exits>/<id>} holds the exit code. */
    public Path exits() {
        return state.resolve("exits");
    }

    public Path exitFile(String id) {
        return exits().resolve(id);
    }

    /** conmon's attach sockets: whoever connects gets the container's stdio. */
    public Path attachDir() {
        return state.resolve("attach");
    }

    /** The link conmon makes in the attach directory ({@code --socket-dir-path}) to the container's bundle. */
    public Path attachLink(String id) {
        return attachDir().resolve(id);
    }

    /** conmon's control FIFO: "&lt;type&gt; &lt;height&gt; &lt;width&gt;\n" messages (1 = resize, 2 = reopen the log). */
    public Path controlFifo(String id) {
        return bundle(id).resolve("ctl");
    }

    public Path monitorPidFile(String id) {
        return bundle(id).resolve("conmon.pid");
    }

    /** CRIU's images of the checkpoint a container is restored from, staged by CreateContainer for StartContainer. */
    public Path restoreImages(String id) {
        return bundle(id).resolve("restore");
    }

    /** conmon notes an OOM kill of the container here. */
    public Path oomMarker(String id) {
        return bundle(id).resolve("oom");
    }
}
