package dev.jcri.sandbox.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;

/** Builders for SpecInput pieces shared by the tests. */
final class TestInputs {
    private TestInputs() {}

    static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
            # a comment
            app:x:1000:1001:App User:/home/app:/bin/sh
            nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin
            """;

    static final String GROUP = """
            root:x:0:
            daemon:x:1:
            video:x:44:app,nginx
            audio:x:29:app
            appgrp:x:1001:
            nginx:x:101:nginx
            staff:x:50:
            """;

    static Path rootfs(Path dir) throws IOException {
        Path root = dir.resolve("rootfs");
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), PASSWD);
        Files.writeString(root.resolve("etc/group"), GROUP);
        return root;
    }

    static Api.PodSandboxConfig pod() {
        return Api.PodSandboxConfig.newBuilder()
                .setMetadata(Api.PodSandboxMetadata.newBuilder().setName("web-0").setNamespace("default").setUid("uid-1"))
                .setHostname("web-0")
                .build();
    }

    static Api.ContainerConfig.Builder container() {
        return Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("app"))
                .addCommand("/bin/sh");
    }

    static ImageConfig image() {
        return new ImageConfig(List.of(), List.of("sh"), List.of("PATH=/usr/bin:/bin"), "", "", List.of(), "", Map.of());
    }

    static SpecInput.Namespaces privateNamespaces() {
        return new SpecInput.Namespaces(Path.of("/run/jcri/ns/net"), Path.of("/run/jcri/ns/ipc"),
                Path.of("/run/jcri/ns/uts"), null, true);
    }

    static SpecInput input(Path rootfs, Api.ContainerConfig container) {
        return input(rootfs, container, pod(), image());
    }

    static SpecInput input(Path rootfs, Api.ContainerConfig container, Api.PodSandboxConfig pod, ImageConfig image) {
        return new SpecInput("c1", container, pod, image, rootfs, privateNamespaces(),
                new SpecInput.PodFilePaths(null, null, null, null), "/kubepods/pod1/c1", false);
    }

    static HostFeatures host() {
        return host(false);
    }

    /** {@link #host()} on a node where SELinux runs. */
    static HostFeatures hostWithSelinux() {
        return host(true);
    }

    private static HostFeatures host(boolean selinux) {
        return new HostFeatures(false, true, true, true, selinux, 40, List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
                Path.of("/dev"), "6.1.0", "amd64");
    }

    static Api.LinuxContainerConfig.Builder linux(Api.LinuxContainerSecurityContext.Builder sc) {
        return Api.LinuxContainerConfig.newBuilder().setSecurityContext(sc);
    }
}
