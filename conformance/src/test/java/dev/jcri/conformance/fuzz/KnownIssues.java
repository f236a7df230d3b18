package dev.jcri.conformance.fuzz;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What the fuzz test finds wrong in today's runtime (issue 12), each with its root cause in the
 * product code: the reasons table cases are marked known-broken with, the field patterns that make
 * a failing random case a known one, and the host changes every case would otherwise report.
 * When a fix lands, its entry goes (and the run says which marks to remove).
 */
final class KnownIssues {

    private KnownIssues() {}

    // ---------------------------------------------------------------- reasons of table cases

    static final String RESOURCES = "issue 12: SpecResources checks signs only (shares 2..262144, quota -1 or "
            + ">= 1000, period 1000..1000000, a memory minimum are not checked); runc's refusal comes back from "
            + "Conmon.create / OciRuntime.update as IOException -> INTERNAL";
    static final String CPUSET = "issue 12: SpecResources checks cpuset_cpus/mems against [0-9,-]+ only (no "
            + "range grammar, no check against the node's online CPUs and memory nodes); runc fails -> INTERNAL";
    static final String OOM = "issue 12: ContainerManager.specInput applies OomScores.restrict (raises the "
            + "score to jcri's own without CAP_SYS_RESOURCE) before OciSpecBuilder's -1000..1000 check; "
            + "OciSpecBuilder.resourcesJson (UpdateContainerResources) never checks it";
    static final String POD_RESOURCES = "issue 12: PodSandboxManager.validate does not check linux.resources/"
            + "overhead; PodResources.apply writes them raw (cfs_period_us EINVAL -> INTERNAL) or skips them silently";
    static final String SYSCTL = "issue 12: Sysctls.toProcPaths checks names by prefix only; unknown names "
            + "and bad values fail in NamespacePins.create's shell child (1 MiB: E2BIG) -> IOException -> INTERNAL";
    static final String PORTS = "issue 12: port mappings are not validated: CniPodNetwork.request drops "
            + "host_port <= 0 silently and hands the rest (protocol UNRECOGNIZED as 'unrecognized', any host_ip) to "
            + "portmap, whose failure is INTERNAL";
    static final String PORTS_CACHE = PORTS + "; and its failed ADD leaves root/cni/results/NET-ID-eth0 "
            + "(CniNetwork.deleteAll keeps a cache entry whose DEL fails, and portmap's DEL fails on the same config)";
    static final String LENGTHS = "issue 12: no length limits on names, labels and annotations (Kubernetes: "
            + "253, 63, 256 KiB in all); PodSandboxManager.validate and ContainerManager.create check emptiness only";
    static final String NAMES = "issue 12: PodSandboxManager.validate checks metadata.name with isEmpty() only "
            + "(blank, line breaks, '/' pass)";
    static final String HOSTNAME = "issue 12: hostname is not validated (RFC 1123, <= 64): the kernel truncates "
            + "a longer one silently, a line break splits /etc/hostname, 1 MiB fails unshare's exec (E2BIG) -> INTERNAL";
    static final String CGROUP_PARENT = "issue 12: CgroupParents.toPath checks '/' and '..' only: NUL makes "
            + "Path.of throw (unchecked) and a path over PATH_MAX fails mkdir, both INTERNAL";
    static final String ARGV = "issue 12: the container name goes unbounded into conmon's argv (Conmon.create "
            + "--name k8s_NAME_...): E2BIG -> INTERNAL";
    static final String PROCESS_NUL = "issue 12: command, args and working_dir are not checked for NUL "
            + "(ProcessArgs, OciSpecBuilder.cwd): runc refuses (INTERNAL) or the container fails at start";
    static final String POD_CIDR = "issue 12: RuntimeInfoRpcs.updateRuntimeConfig stores pod_cidr unparsed";
    static final String HOST_PATH_NUL = "issue 12: SpecMounts.fromRequest calls Path.of(host_path) before any "
            + "check: InvalidPathException (unchecked) -> INTERNAL";
    static final String HOST_PATH_MADE = "issue 12: SpecMounts.fromRequest creates a missing host_path while the "
            + "spec is still being validated; a later invalid field (or a runtime failure) leaves the directory";
    static final String POD_NAMESPACES = "issue 12: PodSandboxManager.validate rejects TARGET only; an unknown "
            + "mode number is taken as POD";

    static final String PROCESS_MASKS = "issue 12: masked_paths/readonly_paths are checked for absoluteness only; "
            + "masking /proc/self makes runc's init fail -> INTERNAL";
    static final String MOUNT_DESTINATION = "issue 12: SpecMounts.cleanAbsolute checks container_path's form only; a "
            + "destination runc refuses (over /proc/self, under /proc) fails Conmon.create -> INTERNAL";
    static final String NUL = "issue 12: a NUL byte in a string that becomes a path or an argv entry (names, paths, "
            + "command, cgroup_parent) makes Path.of or ProcessBuilder throw unchecked, or the runtime fail -> INTERNAL";
    static final String NUL_CNI = NUL + "; here CNI_ARGS (K8S_POD_NAME) in the plugin's environment, after "
            + "CniNetwork.attach cached the pending loopback ADD: root/cni/results/cni-loopback-ID-lo stays";
    static final String HUGE = "issue 12: 1 MiB strings are not refused (no length limits): they fail a child's exec "
            + "with E2BIG, or come back echoed in a description too big for the client -> INTERNAL";

    // ---------------------------------------------------------------- random cases

    /** A random case that fails while it changed a field matching {@code field} is reported as known. */
    record KnownField(Pattern field, String reason) {}

    static final List<KnownField> RANDOM = List.of(
            new KnownField(Pattern.compile("\\\\0"), NUL),
            new KnownField(Pattern.compile("\\(1048576 chars\\)"), HUGE),
            new KnownField(Pattern.compile("oom_score_adj="), OOM),
            new KnownField(Pattern.compile("config\\.linux\\.(resources|overhead)\\.\\w+="), POD_RESOURCES + " / " + RESOURCES),
            new KnownField(Pattern.compile("linux\\.(resources\\.)?(cpu_shares|cpu_quota|cpu_period|memory_limit_in_bytes"
                    + "|memory_swap_limit_in_bytes|hugepage_limits\\[\\]\\.\\w+|unified\\{\\})="), RESOURCES),
            new KnownField(Pattern.compile("cpuset_(cpus|mems)="), CPUSET),
            new KnownField(Pattern.compile("sysctls\\{\\}="), SYSCTL),
            new KnownField(Pattern.compile("port_mappings\\[\\]\\.\\w+="), PORTS),
            new KnownField(Pattern.compile("config\\.hostname="), HOSTNAME),
            new KnownField(Pattern.compile("config\\.linux\\.cgroup_parent="), CGROUP_PARENT),
            new KnownField(Pattern.compile("(masked|readonly)_paths="), PROCESS_MASKS),
            new KnownField(Pattern.compile("mounts\\[\\]\\.container_path="), MOUNT_DESTINATION));

    /** The reason a failing random case is known, or null. */
    static String ofRandomCase(String caseName) {
        return RANDOM.stream().filter(k -> k.field().matcher(caseName).find()).map(KnownField::reason).findFirst().orElse(null);
    }

    // ---------------------------------------------------------------- host changes every case would show

    /** Leaks of every case that makes a container (or pod) while their fix is pending: counted apart, failing no case. */
    record KnownLeak(Pattern line, String reason) {}

    static final List<KnownLeak> KNOWN_LEAKS = List.of(
            new KnownLeak(Pattern.compile("^file work/logs/[^/]+/fuzzctr-[0-9]+\\.log$"), "issue 12: a CreateContainer that "
                    + "fails in the runtime leaves the log file conmon opened (ContainerManager.create's undo has no step for it)"));
}
