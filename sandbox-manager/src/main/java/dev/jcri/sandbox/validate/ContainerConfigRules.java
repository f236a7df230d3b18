package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;

/**
 * CreateContainer's config, checked before anything of the container is made (no snapshot, no
 * bundle, no host path). What depends on other objects (a TARGET container, the image's files,
 * the handler's features) is checked where those are known.
 */
public final class ContainerConfigRules {

    private static final String SC = "config.linux.security_context.";

    private ContainerConfigRules() {}

    /** @param pod the config of the pod the container goes into (its log_directory) */
    public static void check(Api.ContainerConfig config, Api.PodSandboxConfig pod) throws JcriException {
        check(config, pod, NodeTopology.current());
    }

    static void check(Api.ContainerConfig config, Api.PodSandboxConfig pod, NodeTopology node) throws JcriException {
        if (!config.hasMetadata()) {
            throw JcriException.invalidArgument("config.metadata", "is required");
        }
        NameRules.name("config.metadata.name", config.getMetadata().getName());
        NameRules.labels("config.labels", config.getLabelsMap());
        NameRules.annotations("config.annotations", config.getAnnotationsMap());
        argv("config.command", config.getCommandList());
        argv("config.args", config.getArgsList());
        envs(config.getEnvsList());
        if (!config.getWorkingDir().isEmpty()) {
            TextRules.absolutePath("config.working_dir", config.getWorkingDir());
        }
        LogPathRules.file("config.log_path", pod.getLogDirectory(), config.getLogPath());
        MountRules.mounts(config.getMountsList());
        devices(config.getDevicesList());
        ResourceRules.check("config.linux.resources.", config.getLinux().getResources(), node);
        security(config.getLinux().getSecurityContext());
        Api.NamespaceOption podNs = pod.getLinux().getSecurityContext().getNamespaceOptions();
        UserNamespaceRules.checkContainer(SC, config.getLinux().getSecurityContext().getNamespaceOptions(), podNs);
        if (podNs.getUsernsOptions().getMode() == Api.NamespaceMode.POD && podNs.hasUsernsOptions()
                && config.getLinux().getSecurityContext().getPrivileged()) {
            throw JcriException.invalidArgument(SC + "privileged", "a privileged container cannot run in a pod user namespace");
        }
    }

    /** command and args: argv strings of the container's process (no NUL, each within MAX_ARG_STRLEN). */
    private static void argv(String field, List<String> values) throws JcriException {
        for (int i = 0; i < values.size(); i++) {
            TextRules.noNul(field + "[" + i + "]", values.get(i));
            TextRules.maxBytes(field + "[" + i + "]", values.get(i), TextRules.MAX_ARG_STRLEN - 1);
        }
    }

    /** Environment variables: a name without '=' or NUL, a value without NUL; "NAME=value" within MAX_ARG_STRLEN. */
    private static void envs(List<Api.KeyValue> envs) throws JcriException {
        for (int i = 0; i < envs.size(); i++) {
            String field = "config.envs[" + i + "]";
            String key = envs.get(i).getKey();
            if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
                throw JcriException.invalidArgument(field, "invalid variable name \"" + TextRules.shown(key) + "\"");
            }
            String value = envs.get(i).getValue().toStringUtf8();
            TextRules.noNul(field, value);
            TextRules.maxBytes(field, key + "=" + value, TextRules.MAX_ARG_STRLEN - 1);
        }
    }

    /** Devices: absolute paths (the container's defaults to the host's) and cgroup permissions. */
    private static void devices(List<Api.Device> devices) throws JcriException {
        for (int i = 0; i < devices.size(); i++) {
            Api.Device d = devices.get(i);
            String field = "config.devices[" + i + "]";
            if (!d.getPermissions().isEmpty() && !d.getPermissions().matches("[rwm]{1,3}")) {
                throw JcriException.invalidArgument(field + ".permissions", "must be a combination of r, w and m: \""
                        + TextRules.shown(d.getPermissions()) + "\"");
            }
            TextRules.absolutePath(field + ".host_path", d.getHostPath());
            MountRules.destination(field + ".container_path", d.getContainerPath().isEmpty() ? d.getHostPath() : d.getContainerPath());
        }
    }

    @SuppressWarnings("deprecation") // seccomp_profile_path, apparmor_profile: older kubelets and crictl still send them
    private static void security(Api.LinuxContainerSecurityContext sc) throws JcriException {
        Api.NamespaceOption ns = sc.getNamespaceOptions();
        // a container always shares its pod's network and IPC: TARGET is only defined for PID
        for (var mode : List.of(Map.entry("pid", ns.getPid()), Map.entry("network", ns.getNetwork()),
                Map.entry("ipc", ns.getIpc()))) {
            if (mode.getValue() == Api.NamespaceMode.UNRECOGNIZED) {
                throw JcriException.invalidArgument(SC + "namespace_options." + mode.getKey(), "unknown namespace mode");
            }
            if (mode.getValue() == Api.NamespaceMode.TARGET && !mode.getKey().equals("pid")) {
                throw JcriException.invalidArgument(SC + "namespace_options." + mode.getKey(), "mode TARGET is only valid for pid");
            }
        }
        if (sc.getSupplementalGroupsPolicy() == Api.SupplementalGroupsPolicy.UNRECOGNIZED) {
            // read as Merge, an unknown (newer, stricter) policy would give the process groups it must not have
            throw JcriException.invalidArgument(SC + "supplemental_groups_policy",
                    "unknown policy " + sc.getSupplementalGroupsPolicyValue() + " (Merge or Strict)");
        }
        MountRules.maskedAndReadonly(sc);
        for (var path : List.of(Map.entry("run_as_username", sc.getRunAsUsername()),
                Map.entry("seccomp_profile_path", sc.getSeccompProfilePath()),
                Map.entry("apparmor_profile", sc.getApparmorProfile()),
                Map.entry("seccomp.localhost_ref", sc.getSeccomp().getLocalhostRef()),
                Map.entry("apparmor.localhost_ref", sc.getApparmor().getLocalhostRef()))) {
            TextRules.path(SC + path.getKey(), path.getValue());
        }
    }
}
