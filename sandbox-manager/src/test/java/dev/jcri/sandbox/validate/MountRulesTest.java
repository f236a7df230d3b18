package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class MountRulesTest {

    private static Api.Mount mount(String container, String host) {
        return Api.Mount.newBuilder().setContainerPath(container).setHostPath(host).build();
    }

    @Test
    void ordinaryMountsAndTheFilesLxcfsCoversAreAccepted() throws Exception {
        MountRules.mounts(List.of(mount("/data", "/srv/data"), mount("/proc/meminfo", "/var/lib/lxcfs/proc/meminfo"),
                mount("/proc", "/proc/"), mount("/etc/hosts", "/var/lib/kubelet/pods/x/etc-hosts")));
        MountRules.maskedAndReadonly(Api.LinuxContainerSecurityContext.newBuilder().addMaskedPaths("/proc/kcore")
                .addReadonlyPaths("/proc/sys").build());
        assertEquals("/a/c", MountRules.destination("f", "/a/./b/../c/"));
    }

    @Test
    void destinationsRuncRefusesAreRefusedFirst() {
        invalid("config.mounts[0].container_path", () -> MountRules.mounts(List.of(mount("/proc/self", "/tmp"))));
        invalid("config.mounts[0].container_path", () -> MountRules.mounts(List.of(mount("/proc/../proc/sys/kernel", "/tmp"))));
        invalid("config.mounts[0].container_path", () -> MountRules.mounts(List.of(mount("/proc", "/tmp"))));
        invalid("config.mounts[0].container_path", () -> MountRules.mounts(List.of(mount("/..", "/tmp"))));
        invalid("config.mounts[0].container_path", () -> MountRules.mounts(List.of(mount("data", "/tmp"))));
        invalid("config.mounts[1].container_path", () -> MountRules.mounts(List.of(mount("/x", "/tmp"), mount("/x/", "/tmp"))));
    }

    @Test
    void hostPathsAndOptionsAreChecked() {
        invalid("config.mounts[0].host_path", () -> MountRules.mounts(List.of(mount("/data", ""))));
        invalid("config.mounts[0].host_path", () -> MountRules.mounts(List.of(mount("/data", "tmp"))));
        invalid("config.mounts[0].host_path", () -> MountRules.mounts(List.of(mount("/data", "/tmp\0x"))));
        invalid("config.mounts[0].host_path", () -> MountRules.mounts(List.of(mount("/data", "/" + "x".repeat(256)))));
        invalid("config.mounts[0].propagation", () -> MountRules.mounts(List.of(mount("/data", "/tmp").toBuilder()
                .setPropagationValue(7).build())));
        invalid("config.mounts[0].recursive_read_only", () -> MountRules.mounts(List.of(mount("/data", "/tmp").toBuilder()
                .setRecursiveReadOnly(true).build())));
    }

    @Test
    void anImageVolumeIsReadOnlyOrRefused() throws Exception {
        Api.Mount image = Api.Mount.newBuilder().setContainerPath("/image").setReadonly(true)
                .setImage(Api.ImageSpec.newBuilder().setImage("registry.local/data:1")).build();
        MountRules.mounts(List.of(image));
        invalid("config.mounts[0].readonly", () -> MountRules.mounts(List.of(image.toBuilder().setReadonly(false).build())));
    }

    @Test
    void theRuntimesOwnPathsCannotBeMasked() {
        String sc = "config.linux.security_context.";
        for (String bad : new String[] {"/proc/self", "/proc/self/fd", "/proc/thread-self", "/proc", "/", "proc/kcore", "/a\0b"}) {
            invalid(sc + "masked_paths[0]", () -> MountRules.maskedAndReadonly(Api.LinuxContainerSecurityContext.newBuilder()
                    .addMaskedPaths(bad).build()));
            invalid(sc + "readonly_paths[0]", () -> MountRules.maskedAndReadonly(Api.LinuxContainerSecurityContext.newBuilder()
                    .addReadonlyPaths(bad).build()));
        }
    }
}
