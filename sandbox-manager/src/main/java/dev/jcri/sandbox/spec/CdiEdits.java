package dev.jcri.sandbox.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The OCI-level edits of the CDI devices one container asked for, resolved (device nodes have
 * their numbers) before anything is made, and applied to the built spec by {@link #applyTo}.
 *
 * @param devices device nodes to create in the container
 * @param rules   the device cgroup rules that allow them
 * @param mounts  bind mounts (type and options as the spec file says, "bind" when it names no type)
 * @param env     "NAME=value" entries; a name set here replaces the one the config or image set
 * @param hooks   OCI hooks by hook point name
 * @param additionalGids supplementary groups the process gets besides its own (never 0), in order
 */
public record CdiEdits(List<OciSpec.Device> devices, List<OciSpec.DeviceRule> rules, List<OciSpec.Mount> mounts,
                       List<String> env, Map<String, List<OciSpec.Hook>> hooks, List<Long> additionalGids) {

    public static final CdiEdits NONE = new CdiEdits(List.of(), List.of(), List.of(), List.of(), Map.of(), List.of());

    public CdiEdits {
        devices = List.copyOf(devices);
        rules = List.copyOf(rules);
        mounts = List.copyOf(mounts);
        env = List.copyOf(env);
        hooks = Map.copyOf(hooks);
        additionalGids = List.copyOf(additionalGids);
    }

    public boolean isEmpty() {
        return devices.isEmpty() && mounts.isEmpty() && env.isEmpty() && hooks.isEmpty() && additionalGids.isEmpty();
    }

    /**
     * {@code built} with these edits, its reported identity included: a group a device adds is one
     * the process has, so ContainerStatus lists it as the process sees it.
     */
    public BuiltSpec applyTo(BuiltSpec built) {
        if (isEmpty()) {
            return built;
        }
        ResolvedUser u = built.user();
        ResolvedUser user = u == null ? null
                : new ResolvedUser(u.uid(), u.gid(), mergedGids(u.additionalGids()), u.username());
        return new BuiltSpec(applyTo(built.spec()), built.stopSignal(), built.imageVolumes(), user);
    }

    /** {@code spec} with these edits: a device or mount at a path the spec already has replaces it. */
    public OciSpec applyTo(OciSpec spec) {
        if (isEmpty()) {
            return spec;
        }
        OciSpec.Process p = spec.process();
        OciSpec.User u = p.user();
        OciSpec.User user = u == null || additionalGids.isEmpty() ? u
                : new OciSpec.User(u.uid(), u.gid(), mergedGids(u.additionalGids()));
        OciSpec.Process process = new OciSpec.Process(p.terminal(), user, p.args(), mergedEnv(p.env()), p.cwd(),
                p.capabilities(), p.rlimits(), p.noNewPrivileges(), p.apparmorProfile(), p.oomScoreAdj());

        List<OciSpec.Mount> mountList = new ArrayList<>();
        for (OciSpec.Mount m : spec.mounts() == null ? List.<OciSpec.Mount>of() : spec.mounts()) {
            if (mounts.stream().noneMatch(c -> c.destination().equals(m.destination()))) {
                mountList.add(m);
            }
        }
        mountList.addAll(mounts);

        OciSpec.Linux l = spec.linux();
        Map<String, OciSpec.Device> deviceMap = new LinkedHashMap<>();
        for (OciSpec.Device d : l.devices() == null ? List.<OciSpec.Device>of() : l.devices()) {
            deviceMap.put(d.path(), d);
        }
        for (OciSpec.Device d : devices) {
            deviceMap.put(d.path(), d);
        }
        OciSpec.Resources r = l.resources();
        List<OciSpec.DeviceRule> ruleList = new ArrayList<>(r == null || r.devices() == null ? List.of() : r.devices());
        ruleList.addAll(rules);
        OciSpec.Resources resources = r == null
                ? new OciSpec.Resources(List.copyOf(ruleList), null, null, null, null, null)
                : new OciSpec.Resources(List.copyOf(ruleList), r.memory(), r.cpu(), r.pids(), r.hugepageLimits(), r.unified());
        OciSpec.Linux linux = new OciSpec.Linux(l.namespaces(), resources, l.cgroupsPath(), l.sysctl(), l.seccomp(),
                List.copyOf(deviceMap.values()), l.rootfsPropagation(), l.maskedPaths(), l.readonlyPaths(),
                l.uidMappings(), l.gidMappings());
        return new OciSpec(spec.ociVersion(), process, spec.root(), spec.hostname(), List.copyOf(mountList),
                spec.annotations(), linux, mergedHooks(spec.hooks()));
    }

    private List<Long> mergedGids(List<Long> base) {
        LinkedHashSet<Long> gids = new LinkedHashSet<>(base == null ? List.of() : base);
        gids.addAll(additionalGids);
        return List.copyOf(gids);
    }

    private List<String> mergedEnv(List<String> base) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String e : base == null ? List.<String>of() : base) {
            byName.put(envName(e), e);
        }
        for (String e : env) {
            byName.remove(envName(e)); // the device's value, in the device's order after the others
            byName.put(envName(e), e);
        }
        return List.copyOf(byName.values());
    }

    private static String envName(String entry) {
        int eq = entry.indexOf('=');
        return eq < 0 ? entry : entry.substring(0, eq);
    }

    private OciSpec.Hooks mergedHooks(OciSpec.Hooks h) {
        if (hooks.isEmpty()) {
            return h;
        }
        return new OciSpec.Hooks(
                plus(h == null ? null : h.prestart(), "prestart"),
                plus(h == null ? null : h.createRuntime(), "createRuntime"),
                plus(h == null ? null : h.createContainer(), "createContainer"),
                plus(h == null ? null : h.startContainer(), "startContainer"),
                plus(h == null ? null : h.poststart(), "poststart"),
                plus(h == null ? null : h.poststop(), "poststop"));
    }

    private List<OciSpec.Hook> plus(List<OciSpec.Hook> base, String point) {
        List<OciSpec.Hook> out = new ArrayList<>(base == null ? List.of() : base);
        out.addAll(hooks.getOrDefault(point, List.of()));
        return List.copyOf(out);
    }
}
