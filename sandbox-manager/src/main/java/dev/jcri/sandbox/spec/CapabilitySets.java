package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import runtime.v1.Api;

/**
 * The process's capability sets: containerd's default set, changed by the request's add/drop lists
 * ("ALL" allowed in both), or every capability for a privileged container.
 *
 * <p>Inheritable stays empty unless ambient capabilities are requested: an inheritable set lets a
 * file with inheritable file capabilities gain them across execve (CVE-2022-24769), and ambient
 * capabilities need their bit in both permitted and inheritable.
 */
final class CapabilitySets {
    static final int CAP_CHECKPOINT_RESTORE = 40;

    /** linux/capability.h, index = capability number. */
    static final List<String> ALL = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
            "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
            "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
            "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
            "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    /** containerd's (and Docker's) default for an unprivileged container. */
    static final List<String> DEFAULT = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private static final String FIELD = "linux.security_context.capabilities";

    private CapabilitySets() {}

    /** Every capability the kernel knows (those beyond {@code lastCap} would make runc fail). */
    static List<String> all(int lastCap) {
        return ALL.subList(0, Math.min(ALL.size(), Math.max(lastCap, 0) + 1));
    }

    /**
     * The capabilities this daemon can hand out: those in its own bounding set. A privileged
     * container (or "add ALL") gets these, as containerd's "all current capabilities" does; a node
     * whose runtime lacks one (CAP_SYS_RESOURCE, in nested or restricted nodes) would otherwise
     * fail every privileged container in the runtime.
     */
    static List<String> grantable(List<String> known) {
        long bounding = OWN_BOUNDING_SET;
        return known.stream().filter(cap -> (bounding & (1L << ALL.indexOf(cap))) != 0).toList();
    }

    private static final long OWN_BOUNDING_SET = readOwnBoundingSet();

    private static long readOwnBoundingSet() {
        for (String line : dev.jcri.linux.ProcFiles.readTrimmedOrEmpty(java.nio.file.Path.of("/proc/self/status")).split("\n")) {
            if (line.startsWith("CapBnd:")) {
                return Long.parseUnsignedLong(line.substring("CapBnd:".length()).strip(), 16);
            }
        }
        return -1L;
    }

    static OciSpec.Capabilities of(Api.Capability request, boolean privileged, int lastCap)
            throws JcriException {
        List<String> known = all(lastCap);
        Set<String> caps = new LinkedHashSet<>(privileged ? grantable(known) : DEFAULT);
        List<String> add = normalise(request.getAddCapabilitiesList(), known, FIELD + ".add_capabilities");
        List<String> drop = normalise(request.getDropCapabilitiesList(), known, FIELD + ".drop_capabilities");
        List<String> ambient = normalise(request.getAddAmbientCapabilitiesList(), known, FIELD + ".add_ambient_capabilities");
        if (!privileged) {
            // Order as containerd applies them: add ALL, drop ALL, then the single adds and drops,
            // so "drop ALL, add NET_ADMIN" leaves exactly NET_ADMIN.
            if (add.contains("ALL")) {
                caps.addAll(grantable(known));
            }
            if (drop.contains("ALL")) {
                caps.clear();
            }
            for (String c : add) {
                if (!c.equals("ALL")) {
                    caps.add(c);
                }
            }
            for (String c : drop) {
                if (!c.equals("ALL")) {
                    caps.remove(c);
                }
            }
        }
        if (ambient.contains("ALL")) {
            throw JcriException.invalidArgument(FIELD + ".add_ambient_capabilities", "\"ALL\" is not allowed for ambient capabilities");
        }
        caps.addAll(ambient);
        List<String> set = sortByNumber(caps);
        List<String> amb = sortByNumber(ambient);
        return new OciSpec.Capabilities(set, set, amb, set, amb);
    }

    private static List<String> normalise(List<String> names, List<String> known, String field)
            throws JcriException {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String up = n.trim().toUpperCase(Locale.ROOT);
            if (up.equals("ALL")) {
                out.add("ALL");
                continue;
            }
            String full = up.startsWith("CAP_") ? up : "CAP_" + up;
            if (!ALL.contains(full)) {
                throw JcriException.invalidArgument(field, "unknown capability \"" + n + "\"");
            }
            if (known.contains(full)) { // known to the kernel: a newer name on an older kernel is skipped
                out.add(full);
            }
        }
        return out;
    }

    private static List<String> sortByNumber(java.util.Collection<String> caps) {
        List<String> out = new ArrayList<>(caps);
        out.sort(java.util.Comparator.comparingInt(ALL::indexOf));
        return List.copyOf(out);
    }
}
