package dev.jcri.sandbox.spec;

import java.util.List;
import java.util.Map;

/**
 * The parts of an OCI image config a container's spec is built from (image-service owns the full
 * config; the daemon hands these over).
 *
 * @param user       USER as written in the image ("", "name", "uid", "name:group", "uid:gid")
 * @param volumes    VOLUME paths (become empty directories in the container's writable layer)
 * @param stopSignal STOPSIGNAL ("" = SIGTERM), e.g. "SIGQUIT" or "3"
 */
public record ImageConfig(
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        String workingDir,
        String user,
        List<String> volumes,
        String stopSignal,
        Map<String, String> labels) {

    public ImageConfig {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        volumes = List.copyOf(volumes);
        labels = Map.copyOf(labels);
    }

    public static ImageConfig empty() {
        return new ImageConfig(List.of(), List.of(), List.of(), "", "", List.of(), "", Map.of());
    }
}
