package dev.jcri.sandbox.spec;

import java.nio.file.Path;
import runtime.v1.Api;

/**
 * Everything the OCI runtime spec of one container is built from.
 *
 * @param containerId  the container's ID (for cgroup leaf names and annotations)
 * @param container    the CreateContainer config as kubelet sent it
 * @param pod          the pod's RunPodSandbox config
 * @param image        the image's config
 * @param rootfs       the container's mounted root filesystem (its /etc/passwd and /etc/group are read for users)
 * @param namespaces   where the container's namespaces come from
 * @param podFiles     the pod's hostname, hosts, resolv.conf files and /dev/shm ({@code shm} null when host IPC)
 * @param cgroupsPath  the OCI linux.cgroupsPath (cgroupfs: "/parent/id"; systemd: "slice:prefix:id"), "" for the runtime's default
 * @param cgroupV2     whether the node runs unified cgroup v2 (resources map differently)
 */
public record SpecInput(
        String containerId,
        Api.ContainerConfig container,
        Api.PodSandboxConfig pod,
        ImageConfig image,
        Path rootfs,
        Namespaces namespaces,
        PodFilePaths podFiles,
        String cgroupsPath,
        boolean cgroupV2) {

    /**
     * Namespace sources: a path to join (a pin file or /proc/PID/ns/X), or null for "the host's"
     * (no namespace entry) — except {@code pid}, where null with {@code privatePid} means a new one.
     */
    public record Namespaces(Path network, Path ipc, Path uts, Path pid, boolean privatePid) {}

    public record PodFilePaths(Path hostname, Path hosts, Path resolvConf, Path shm) {}
}
