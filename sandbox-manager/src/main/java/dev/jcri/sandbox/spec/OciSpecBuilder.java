package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.validate.TextRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import runtime.v1.Api;

/**
 * Builds a container's OCI runtime spec from the CreateContainer request, the pod's config, the
 * image config and where the pod's namespaces and files are. Each part is decided by one small
 * class of this package; this façade only puts them together in a fixed order (capabilities
 * before seccomp, because the default profile allows more syscalls to more capable containers).
 *
 * <p>Side effects, as in containerd: a missing host path of a request mount is created as a
 * directory. Nothing else on the host is changed.
 */
public final class OciSpecBuilder {
    private static final String SC = "linux.security_context";

    private OciSpecBuilder() {}

    /**
     * The OCI LinuxResources document for new limits on a running container (the runtime's
     * {@code update --resources}), mapped as at creation.
     */
    public static byte[] resourcesJson(Api.LinuxContainerResources resources, boolean cgroupV2)
            throws JcriException {
        return OciSpec.toJson(SpecResources.of(resources, null, cgroupV2, HostFeatures.detect().swapAccounting()));
    }

    public static BuiltSpec build(SpecInput in) throws JcriException {
        return build(in, HostFeatures.detect());
    }

    public static BuiltSpec build(SpecInput in, HostFeatures host) throws JcriException {
        Api.ContainerConfig c = in.container();
        Api.LinuxContainerSecurityContext sc = c.getLinux().getSecurityContext();
        Api.LinuxContainerResources resources = c.getLinux().getResources();
        boolean privileged = sc.getPrivileged();
        if (privileged && !in.pod().getLinux().getSecurityContext().getPrivileged()) {
            throw JcriException.invalidArgument(SC + ".privileged",
                    "a privileged container needs a privileged pod sandbox");
        }
        SecurityOptions.checkSelinux(sc, host.selinuxEnabled());
        if (in.rootfs() == null || !in.rootfs().isAbsolute()) {
            throw new IllegalArgumentException("rootfs must be an absolute path: " + in.rootfs());
        }

        List<String> args = ProcessArgs.of(c.getCommandList(), c.getArgsList(), in.image());
        String hostname = hostname(in);
        List<String> env = ProcessEnv.of(hostname, in.image().env(), c.getEnvsList());
        ResolvedUser user = UserResolver.resolve(in.rootfs(), userString(sc, in.image()), userField(sc),
                supplementalGroups(sc), sc.getSupplementalGroupsPolicy() == Api.SupplementalGroupsPolicy.Strict);
        OciSpec.Capabilities caps = CapabilitySets.of(sc.getCapabilities(), privileged, host.lastCapability());
        int oomScoreAdj = (int) resources.getOomScoreAdj(); // within -1000..1000: ResourceRules
        OciSpec.Process process = new OciSpec.Process(
                c.getTty() ? Boolean.TRUE : null,
                new OciSpec.User(user.uid(), user.gid(), user.additionalGids()),
                args, env, cwd(c, in.image()), caps, List.of(),
                sc.getNoNewPrivs() ? Boolean.TRUE : null,
                SecurityOptions.appArmorProfile(sc, privileged, host.appArmorEnabled()),
                oomScoreAdj);

        boolean readonlyRootfs = sc.getReadonlyRootfs();
        DeviceSpecs.Result devices = DeviceSpecs.of(c.getDevicesList(), privileged, host.devDirectory());
        List<OciSpec.Namespace> namespaces = SpecNamespaces.of(in.namespaces(), in.cgroupV2(), privileged);
        OciSpec.Resources limits = SpecResources.of(resources, devices.rules(), in.cgroupV2(), host.swapAccounting());
        OciSpec.Seccomp seccomp = SecurityOptions.seccomp(sc, privileged, caps.bounding(), host);
        List<String> maskedPaths = SecurityOptions.maskedPaths(sc, privileged);
        List<String> readonlyPaths = SecurityOptions.readonlyPaths(sc, privileged);
        // last of the parts that can refuse the request: it creates missing host paths of mounts
        SpecMounts.Result mounts = SpecMounts.of(in, privileged, readonlyRootfs, host);
        OciSpec.Linux linux = new OciSpec.Linux(
                namespaces,
                limits,
                in.cgroupsPath() == null || in.cgroupsPath().isEmpty() ? null : in.cgroupsPath(),
                null,
                seccomp,
                devices.devices(),
                mounts.rootfsPropagation(),
                maskedPaths,
                readonlyPaths);

        OciSpec spec = new OciSpec(
                OciSpec.OCI_VERSION,
                process,
                new OciSpec.Root(in.rootfs().toString(), readonlyRootfs),
                SpecNamespaces.ownsUts(in.namespaces()) && !hostname.isEmpty() ? hostname : null,
                mounts.mounts(),
                SpecAnnotations.of(c, in.pod()),
                linux);
        int stopSignal = StopSignals.resolve(c.getStopSignal(), in.image().stopSignal());
        return new BuiltSpec(spec, stopSignal, mounts.imageVolumes(), user);
    }

    /**
     * containerd's rule: run_as_username beats run_as_user; run_as_group is appended as ":gid" and
     * is an error without one of them (a group alone would silently run as the image's user or
     * root); with none of the three, the image's USER.
     */
    static String userString(Api.LinuxContainerSecurityContext sc, ImageConfig image) throws JcriException {
        String user = "";
        if (sc.hasRunAsUser()) {
            long uid = sc.getRunAsUser().getValue();
            if (uid < 0 || uid >= UserResolver.MAX_ID) {
                throw JcriException.invalidArgument(SC + ".run_as_user", "out of range: " + uid);
            }
            user = Long.toString(uid);
        }
        if (!sc.getRunAsUsername().isEmpty()) {
            if (sc.getRunAsUsername().contains(":")) {
                throw JcriException.invalidArgument(SC + ".run_as_username", "must not contain \":\"");
            }
            user = sc.getRunAsUsername();
        }
        if (sc.hasRunAsGroup()) {
            long gid = sc.getRunAsGroup().getValue();
            if (user.isEmpty()) {
                throw JcriException.invalidArgument(SC + ".run_as_group",
                        "run_as_group is set without run_as_user or run_as_username");
            }
            if (gid < 0 || gid >= UserResolver.MAX_ID) {
                throw JcriException.invalidArgument(SC + ".run_as_group", "out of range: " + gid);
            }
            user = user + ":" + gid;
        }
        return user.isEmpty() ? image.user() : user;
    }

    private static String userField(Api.LinuxContainerSecurityContext sc) {
        if (!sc.getRunAsUsername().isEmpty()) {
            return SC + ".run_as_username";
        }
        if (sc.hasRunAsUser()) {
            return SC + ".run_as_user";
        }
        return "image.config.User";
    }

    private static List<Long> supplementalGroups(Api.LinuxContainerSecurityContext sc) {
        return new ArrayList<>(sc.getSupplementalGroupsList());
    }

    /**
     * The request's working_dir, else the image's, else "/"; a relative image one is taken from "/".
     * The runtime creates it if missing, resolving it inside the rootfs (runc and crun both do).
     */
    static String cwd(Api.ContainerConfig c, ImageConfig image) throws JcriException {
        if (!c.getWorkingDir().isEmpty()) {
            return c.getWorkingDir(); // absolute, a path the kernel takes: ContainerConfigRules
        }
        String w = image.workingDir();
        if (w == null || w.isEmpty()) {
            return "/";
        }
        if (w.indexOf('\0') >= 0) {
            throw JcriException.invalidArgument("image.config.WorkingDir", "contains a NUL byte");
        }
        return TextRules.clean(w.startsWith("/") ? w : "/" + w);
    }

    /**
     * The pod's hostname; with the host's UTS namespace and no hostname in the request, the node's
     * (what the process will see, so HOSTNAME matches `hostname`).
     */
    private static String hostname(SpecInput in) {
        String h = in.pod().getHostname();
        if (!h.isEmpty() || in.namespaces().uts() != null) {
            return h;
        }
        return HostFeatures.readTrimmed(Path.of("/proc/sys/kernel/hostname"));
    }
}
