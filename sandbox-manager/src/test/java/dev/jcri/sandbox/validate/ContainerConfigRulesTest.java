package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;
import static dev.jcri.sandbox.validate.Refusals.outOfRange;

import com.google.protobuf.ByteString;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class ContainerConfigRulesTest {

    private static final Api.PodSandboxConfig POD = PodConfigRulesTest.kubeletPod().build();
    private static final String SC = "config.linux.security_context.";

    /** What kubelet sends for a container with limits, a volume, an env and its default masks. */
    private static Api.ContainerConfig.Builder kubeletContainer() {
        Api.ContainerConfig.Builder c = Api.ContainerConfig.newBuilder()
                .setMetadata(Api.ContainerMetadata.newBuilder().setName("app").setAttempt(3))
                .setImage(Api.ImageSpec.newBuilder().setImage("registry.local/app:1"))
                .addCommand("/bin/app").addArgs("--port=80").setWorkingDir("/srv")
                .addEnvs(Api.KeyValue.newBuilder().setKey("KUBERNETES_SERVICE_HOST").setValue(ByteString.copyFromUtf8("10.96.0.1")))
                .addMounts(Api.Mount.newBuilder().setContainerPath("/var/run/secrets/kubernetes.io/serviceaccount")
                        .setHostPath("/var/lib/kubelet/pods/6a2f/volumes/kubernetes.io~projected/kube-api-access").setReadonly(true))
                .addDevices(Api.Device.newBuilder().setHostPath("/dev/fuse").setContainerPath("/dev/fuse").setPermissions("rw"))
                .setLogPath("app/3.log").putLabels("io.kubernetes.container.name", "app");
        c.getLinuxBuilder().getResourcesBuilder().setCpuShares(102).setCpuQuota(10_000).setCpuPeriod(100_000)
                .setMemoryLimitInBytes(128L << 20).setOomScoreAdj(1000);
        c.getLinuxBuilder().getSecurityContextBuilder().addMaskedPaths("/proc/kcore").addReadonlyPaths("/proc/sys")
                .getNamespaceOptionsBuilder().setPid(Api.NamespaceMode.CONTAINER);
        return c;
    }

    private static void check(UnaryOperator<Api.ContainerConfig.Builder> edit) throws Exception {
        ContainerConfigRules.check(edit.apply(kubeletContainer()).build(), POD, ResourceRulesTest.NODE);
    }

    @Test
    void kubeletsContainerIsAccepted() throws Exception {
        check(c -> c);
    }

    @Test
    void stringsThatReachArgvAndPathsAreChecked() {
        invalid("config.metadata.name", () -> check(c -> c.setMetadata(c.getMetadata().toBuilder().setName("x".repeat(1 << 20)))));
        invalid("config.metadata.name", () -> check(c -> c.setMetadata(c.getMetadata().toBuilder().setName("a\0b"))));
        invalid("config.command[0]", () -> check(c -> c.setCommand(0, "ec\0ho")));
        invalid("config.args[1]", () -> check(c -> c.addArgs("a\0b")));
        invalid("config.args[1]", () -> check(c -> c.addArgs("a".repeat(TextRules.MAX_ARG_STRLEN))));
        invalid("config.envs[1]", () -> check(c -> c.addEnvs(Api.KeyValue.newBuilder().setKey("A=B"))));
        invalid("config.envs[1]", () -> check(c -> c.addEnvs(Api.KeyValue.newBuilder().setKey(""))));
        invalid("config.envs[1]", () -> check(c -> c.addEnvs(Api.KeyValue.newBuilder().setKey("A")
                .setValue(ByteString.copyFromUtf8("a\0b")))));
        invalid("config.working_dir", () -> check(c -> c.setWorkingDir("tmp")));
        invalid("config.working_dir", () -> check(c -> c.setWorkingDir("/tmp\0x")));
        invalid("config.log_path", () -> check(c -> c.setLogPath("../escape.log")));
        invalid("config.labels[big]", () -> check(c -> c.putLabels("big", "x".repeat(1 << 20))));
        invalid("config.mounts[1].host_path", () -> check(c -> c.addMounts(Api.Mount.newBuilder().setContainerPath("/d")
                .setHostPath("/tmp\0x"))));
        invalid("config.devices[0].permissions", () -> check(c -> c.setDevices(0, c.getDevices(0).toBuilder().setPermissions("rwx"))));
        invalid("config.devices[0].host_path", () -> check(c -> c.setDevices(0, c.getDevices(0).toBuilder().setHostPath("fuse"))));
    }

    @Test
    void resourcesAndSecurityContextAreChecked() {
        outOfRange("config.linux.resources.oom_score_adj", () -> check(c -> {
            c.getLinuxBuilder().getResourcesBuilder().setOomScoreAdj(-1001);
            return c;
        }));
        outOfRange("config.linux.resources.cpuset_cpus", () -> check(c -> {
            c.getLinuxBuilder().getResourcesBuilder().setCpusetCpus("4096");
            return c;
        }));
        invalid(SC + "namespace_options.network", () -> check(c -> {
            c.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setNetwork(Api.NamespaceMode.TARGET);
            return c;
        }));
        invalid(SC + "namespace_options.pid", () -> check(c -> {
            c.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setPidValue(42);
            return c;
        }));
        invalid(SC + "masked_paths[1]", () -> check(c -> {
            c.getLinuxBuilder().getSecurityContextBuilder().addMaskedPaths("/proc/self");
            return c;
        }));
        invalid(SC + "seccomp.localhost_ref", () -> check(c -> {
            c.getLinuxBuilder().getSecurityContextBuilder().getSeccompBuilder().setLocalhostRef("/a\0b");
            return c;
        }));
    }
}
