package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.ProcFiles;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which sysctls a pod may set, and to what. Names: only those the kernel namespaces (so one pod
 * cannot change the node), only for namespaces the pod owns (net.* needs a pod network namespace,
 * IPC ones a pod IPC namespace; kubelet's rule for "safe" and "unsafe" namespaced sysctls), and
 * only those this kernel has. Values: one line the kernel can take (kubelet does not check them,
 * the runtime's write would fail): where the node's current value is a list of numbers, the new
 * one must be as many numbers, within the kernel's bounds for the few sysctls whose bounds
 * Kubernetes documents.
 */
public final class SysctlRules {

    private static final List<String> IPC_NAMES = List.of("kernel.shmmax", "kernel.shmall", "kernel.shmmni",
            "kernel.shm_rmid_forced", "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_./-]+");
    private static final Pattern NUMBERS = Pattern.compile("-?[0-9]+([ \t]+-?[0-9]+)*");
    /** Per-interface sysctls: the pod's interfaces are not the node's, so they are looked up as "default". */
    private static final Pattern PER_INTERFACE = Pattern.compile("(net/ipv[46]/(?:conf|neigh)/)[^/]+(/.+)");
    /** The writes to /proc/sys go through one page; a value is far shorter. */
    private static final int MAX_VALUE = 4095;
    /** Bounds of every number of a value, for sysctls whose range the kernel checks (inclusive). */
    private static final Map<String, long[]> BOUNDS = Map.of(
            "net/ipv4/ip_unprivileged_port_start", new long[] {0, 65535},
            "net/ipv4/ip_local_port_range", new long[] {1, 65535},
            "net/ipv4/ping_group_range", new long[] {0, Integer.MAX_VALUE},
            "net/ipv4/tcp_syncookies", new long[] {0, 2},
            "kernel/shm_rmid_forced", new long[] {0, 1});
    private static final BigInteger LONGEST = BigInteger.ONE.shiftLeft(64);

    private final Path procSys;

    private SysctlRules(Path procSys) {
        this.procSys = procSys;
    }

    /** The rules of this node's kernel. */
    public static SysctlRules node() {
        return new SysctlRules(Path.of("/proc/sys"));
    }

    /** The rules of a /proc/sys-like tree (a fixture in tests). */
    static SysctlRules of(Path procSys) {
        return new SysctlRules(procSys);
    }

    /** Checks the pod's {@code config.linux.sysctls}. */
    public void check(Map<String, String> sysctls, boolean podNetwork, boolean podIpc) throws JcriException {
        for (var e : sysctls.entrySet()) {
            check(e.getKey(), e.getValue(), podNetwork, podIpc);
        }
    }

    private void check(String name, String value, boolean podNetwork, boolean podIpc) throws JcriException {
        String field = "config.linux.sysctls[" + TextRules.shown(name) + "]";
        String path = procPath(name);
        TextRules.maxBytes(field, name, TextRules.PATH_MAX - 1);
        if (name.isEmpty() || path.contains("..") || path.startsWith("/") || !NAME.matcher(path).matches()) {
            throw JcriException.invalidArgument(field, "\"" + TextRules.shown(name) + "\" is not a valid sysctl name");
        }
        String dotted = path.replace('/', '.');
        if (dotted.startsWith("net.")) {
            if (!podNetwork) {
                throw JcriException.invalidArgument(field, "needs the pod's own network namespace, but the pod uses the host network");
            }
        } else if (IPC_NAMES.contains(dotted) || dotted.startsWith("fs.mqueue.")) {
            if (!podIpc) {
                throw JcriException.invalidArgument(field, "needs the pod's own IPC namespace, but the pod uses the host IPC namespace");
            }
        } else {
            throw JcriException.invalidArgument(field, "is not namespaced: a pod may only set net.*, "
                    + "kernel.shm*/msg*/sem and fs.mqueue.* sysctls");
        }
        Path file = procSys.resolve(PER_INTERFACE.matcher(path).replaceFirst("$1default$2"));
        if (!Files.isRegularFile(file)) {
            throw JcriException.invalidArgument(field, "this kernel has no such sysctl");
        }
        checkValue(field, path, value, ProcFiles.readTrimmedOrEmpty(file));
    }

    private static void checkValue(String field, String path, String value, String current) throws JcriException {
        TextRules.oneLine(field, value);
        TextRules.maxBytes(field, value, MAX_VALUE);
        String v = value.strip();
        if (v.isEmpty()) {
            throw JcriException.invalidArgument(field, "the value is empty");
        }
        if (!NUMBERS.matcher(current).matches()) {
            return; // a word, a list, or an unreadable file: the kernel judges it
        }
        String[] want = current.split("[ \t]+");
        String[] got = v.split("[ \t]+");
        if (!NUMBERS.matcher(v).matches() || got.length != want.length) {
            throw JcriException.invalidArgument(field, "\"" + TextRules.shown(value) + "\" is not " + want.length
                    + (want.length == 1 ? " number" : " numbers") + " (like \"" + current + "\")");
        }
        long[] bounds = BOUNDS.get(path);
        for (String n : got) {
            BigInteger number = new BigInteger(n);
            if (number.abs().compareTo(LONGEST) >= 0
                    || (bounds != null && (number.compareTo(BigInteger.valueOf(bounds[0])) < 0
                            || number.compareTo(BigInteger.valueOf(bounds[1])) > 0))) {
                throw JcriException.invalidArgument(field, n + " is out of range"
                        + (bounds != null ? " (" + bounds[0] + ".." + bounds[1] + ")" : ""));
            }
        }
    }

    /**
     * The /proc/sys-relative path of a name, which may use "." or "/" as its separator (Kubernetes
     * allows both; with "/", dots are part of a component, e.g. a VLAN interface "eth0.100").
     */
    public static String procPath(String name) {
        return name.contains("/") ? name : name.replace('.', '/');
    }
}
