package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import java.util.Collection;
import java.util.List;
import runtime.v1.Api;

/**
 * Seccomp, AppArmor and the masked/read-only /proc and /sys paths from the container's security
 * context. A privileged container gets none of them (containerd's and Docker's meaning of privileged).
 */
final class SecurityOptions {
    private SecurityOptions() {}

    /** containerd's defaults: files that leak host information or let a container poke the kernel. */
    static final List<String> DEFAULT_MASKED_PATHS = List.of(
            "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");

    static final List<String> DEFAULT_READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private static final String SC = "linux.security_context";

    /**
     * Masked paths: the request's list when it has one, else the defaults. An empty list cannot be
     * told apart from an absent one in proto3, so (like containerd) it keeps the defaults; kubelet
     * sends the default list explicitly for procMount Default. The request's paths were checked
     * before (MountRules).
     */
    static List<String> maskedPaths(Api.LinuxContainerSecurityContext sc, boolean privileged)
            throws JcriException {
        if (privileged) {
            return List.of();
        }
        return sc.getMaskedPathsCount() > 0 ? List.copyOf(sc.getMaskedPathsList()) : DEFAULT_MASKED_PATHS;
    }

    static List<String> readonlyPaths(Api.LinuxContainerSecurityContext sc, boolean privileged)
            throws JcriException {
        if (privileged) {
            return List.of();
        }
        return sc.getReadonlyPathsCount() > 0 ? List.copyOf(sc.getReadonlyPathsList()) : DEFAULT_READONLY_PATHS;
    }

    /**
     * The seccomp filter, or null for none. The typed field wins over the deprecated path string;
     * with neither the container is unconfined, as in containerd (kubelet asks for RuntimeDefault
     * explicitly when the Pod or its defaults want it).
     */
    @SuppressWarnings("deprecation") // seccomp_profile_path: older kubelets and crictl still send it
    static OciSpec.Seccomp seccomp(Api.LinuxContainerSecurityContext sc, boolean privileged,
                                   Collection<String> boundingCaps, HostFeatures host)
            throws JcriException {
        OciSpec.Seccomp filter = seccompFilter(sc, privileged, boundingCaps, host);
        if (filter != null && !host.seccomp()) {
            throw JcriException.invalidArgument(sc.hasSeccomp() ? SC + ".seccomp" : SC + ".seccomp_profile_path",
                    "the pod's runtime handler cannot apply seccomp filters (its `features` says so)");
        }
        return filter;
    }

    @SuppressWarnings("deprecation")
    private static OciSpec.Seccomp seccompFilter(Api.LinuxContainerSecurityContext sc, boolean privileged,
                                                 Collection<String> boundingCaps, HostFeatures host)
            throws JcriException {
        if (privileged) {
            return null;
        }
        SeccompProfiles.Target target = new SeccompProfiles.Target(boundingCaps, host.arch(), host.kernelRelease(),
                host.seccompArchitectures());
        if (sc.hasSeccomp()) {
            String field = SC + ".seccomp";
            return switch (sc.getSeccomp().getProfileType()) {
                case RuntimeDefault -> SeccompProfiles.compile(SeccompProfiles.runtimeDefault(), target, field);
                case Unconfined -> null;
                case Localhost -> {
                    String ref = sc.getSeccomp().getLocalhostRef();
                    yield SeccompProfiles.compile(SeccompProfiles.localhost(ref, field + ".localhost_ref"), target, field);
                }
                default -> throw JcriException.invalidArgument(field + ".profile_type", "unknown profile type");
            };
        }
        String path = sc.getSeccompProfilePath();
        String field = SC + ".seccomp_profile_path";
        if (path.isEmpty() || path.equals("unconfined")) {
            return null;
        }
        if (path.equals("runtime/default") || path.equals("docker/default")) {
            return SeccompProfiles.compile(SeccompProfiles.runtimeDefault(), target, field);
        }
        if (path.startsWith("localhost/")) {
            String file = path.substring("localhost/".length());
            return SeccompProfiles.compile(SeccompProfiles.localhost(file, field), target, field);
        }
        throw JcriException.invalidArgument(field, "unknown seccomp profile \"" + path + "\"");
    }

    /**
     * process.apparmorProfile, or null. Without AppArmor on the node a Localhost profile cannot be
     * honoured and is refused; RuntimeDefault means "whatever the runtime's default is", which on
     * such a node is none (containerd behaves the same way). With AppArmor, a Localhost profile is
     * passed by name (it must be loaded on the node); RuntimeDefault is refused for an unprivileged
     * container, because jcri does not generate and load a default profile of its own and running
     * the container unconfined instead would weaken the request silently. A privileged container
     * is unconfined by definition (as with seccomp), so RuntimeDefault asks nothing of it.
     */
    @SuppressWarnings("deprecation") // apparmor_profile: older kubelets and crictl still send it
    static String appArmorProfile(Api.LinuxContainerSecurityContext sc, boolean privileged, boolean appArmorEnabled)
            throws JcriException {
        String localhost = null;
        boolean runtimeDefault = false;
        String field;
        if (sc.hasApparmor()) {
            field = SC + ".apparmor";
            switch (sc.getApparmor().getProfileType()) {
                case Localhost -> localhost = sc.getApparmor().getLocalhostRef();
                case RuntimeDefault -> runtimeDefault = true;
                case Unconfined -> { }
                default -> throw JcriException.invalidArgument(field + ".profile_type", "unknown profile type");
            }
            if (localhost != null && localhost.isEmpty()) {
                throw JcriException.invalidArgument(field + ".localhost_ref", "must name a profile");
            }
        } else {
            field = SC + ".apparmor_profile";
            String p = sc.getApparmorProfile();
            if (p.startsWith("localhost/")) {
                localhost = p.substring("localhost/".length());
            } else if (p.equals("runtime/default")) {
                runtimeDefault = true;
            } else if (!p.isEmpty() && !p.equals("unconfined")) {
                throw JcriException.invalidArgument(field, "unknown AppArmor profile \"" + p + "\"");
            }
        }
        if (runtimeDefault && appArmorEnabled && !privileged) {
            throw JcriException.invalidArgument(field, "AppArmor runs on this node but jcri has no default "
                    + "AppArmor profile yet: ask for a Localhost profile loaded on the node, or Unconfined");
        }
        if (localhost == null) {
            return null;
        }
        if (!appArmorEnabled) {
            throw JcriException.invalidArgument(field, "AppArmor is not enabled on this node (profile \"" + localhost + "\")");
        }
        return localhost; // explicitly asked for, so kept even for a privileged container
    }

    /**
     * SELinux labels (selinux_options): jcri does not apply them yet, so where SELinux runs they are
     * refused rather than dropped. On a node without SELinux a label has nothing to act on, and is
     * ignored, as containerd and CRI-O do.
     */
    static void checkSelinux(Api.LinuxContainerSecurityContext sc, boolean selinuxEnabled)
            throws JcriException {
        Api.SELinuxOption o = sc.getSelinuxOptions();
        boolean asked = !(o.getUser().isEmpty() && o.getRole().isEmpty() && o.getType().isEmpty() && o.getLevel().isEmpty());
        if (asked && selinuxEnabled) {
            throw JcriException.invalidArgument(SC + ".selinux_options",
                    "SELinux runs on this node but jcri does not apply SELinux labels yet");
        }
    }
}
