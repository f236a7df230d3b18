package dev.jcri.sandbox.spec;

import java.util.List;
import java.util.Map;

/**
 * The parts of an OCI image config a container's spec is built from. Deliberately a second record
 * beside image-service's {@code dev.jcri.image.manifest.ImageConfig}: that one is the parsed
 * document (platform, diff IDs, the raw JSON, parsing with limits), and sandbox-manager must not
 * depend on image-service (no registries below the daemon), nor the image service on pods. The
 * daemon ({@code ContainerImages}) copies these fields across, the one place both are seen.
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
