package dev.jcri.sandbox.pod;

import dev.jcri.errors.JcriException;
import dev.jcri.linux.ChildProcess;
import dev.jcri.linux.Mounts;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.linux.ProcessResult;
import dev.jcri.linux.UserNamespaces;
import dev.jcri.sandbox.validate.TextRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates a pod's network, IPC and UTS namespaces and pins each with a bind mount of its nsfs file,
 * so they live without any process in them (no infra container needed). Uses util-linux
 * {@code unshare --net=FILE ...}: joining or creating namespaces from the JVM itself is per-thread
 * and unsafe, a short-lived child is not. The child also sets the hostname and the pod's sysctls
 * inside the new namespaces before it exits.
 */
public final class NamespacePins {

    /** The namespace kinds a pod may own, with their unshare flag and /proc/PID/ns name. */
    public static final List<String> KINDS = List.of("net", "ipc", "uts", "user");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /*
     * $1 = hostname or "" (keep); then key/value pairs. Keys are /proc/sys-relative paths,
     * already validated. Values are passed as arguments, never spliced into the script.
     */
    private static final String SETUP_SCRIPT = """
            set -e
            if [ -n "$1" ]; then printf '%s' "$1" > /proc/sys/kernel/hostname; fi
            shift
            while [ $# -gt 0 ]; do
              if ! { printf '%s\\n' "$2" > "/proc/sys/$1"; } 2>/dev/null; then printf '%s' "$1" >&2; exit 3; fi
              shift 2
            done
            """;
    /** The script's exit status when the kernel refused a sysctl's value (its path on stderr). */
    private static final int SYSCTL_REFUSED = 3;

    private NamespacePins() {}

    /**
     * Creates the namespaces named in {@code kinds} and pins each at {@code pinOf(kind)}.
     *
     * @param hostname set in the new UTS namespace ("" to leave it)
     * @param sysctls  /proc/sys-relative path → value, applied inside the new namespaces
     */
    public static void create(List<String> kinds, java.util.function.Function<String, Path> pinOf, String hostname,
            Map<String, String> sysctls) throws IOException {
        create(kinds, pinOf, hostname, sysctls, null);
    }

    /**
     * As {@link #create(List, java.util.function.Function, String, Map)}; with {@code userns} (and
     * "user" among {@code kinds}) the user namespace is made first, mapped, and owns the others:
     * {@link UserNamespaces} makes and pins them all, then the hostname and sysctls are set from the
     * node's user namespace ({@code nsenter} without --user: the node's root is capable in every
     * namespace a child user namespace owns, the pod's root may not write the node's /proc/sys files).
     */
    public static void create(List<String> kinds, java.util.function.Function<String, Path> pinOf, String hostname,
            Map<String, String> sysctls, PodUserNamespace userns) throws IOException {
        if (kinds.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>();
        if (kinds.contains("user")) {
            List<String> others = kinds.stream().filter(k -> !k.equals("user")).toList();
            Map<String, Path> pins = new java.util.LinkedHashMap<>();
            kinds.forEach(k -> pins.put(k, pinOf.apply(k)));
            UserNamespaces.createPinned(others, pins, userns.uids(), userns.gids());
            argv.add("nsenter");
            others.forEach(k -> argv.add("--" + k + "=" + pins.get(k)));
        } else {
            argv.add("unshare");
            for (String kind : kinds) {
                Path pin = pinOf.apply(kind);
                PrivateFiles.createDirectories(pin.getParent());
                if (!Files.exists(pin)) {
                    PrivateFiles.createFile(pin);
                }
                argv.add("--" + kind + "=" + pin);
            }
        }
        argv.addAll(List.of("/bin/sh", "-c", SETUP_SCRIPT, "jcri-pod-setup", kinds.contains("uts") ? hostname : ""));
        sysctls.forEach((key, value) -> {
            argv.add(key);
            argv.add(value);
        });
        ProcessResult result = ChildProcess.command(argv).timeout(TIMEOUT).outputLimit(64 * 1024).run();
        if (result.exitCode() == SYSCTL_REFUSED && sysctls.containsKey(result.stderrText().strip())) {
            // a value of the right shape the kernel still refuses (a bound SysctlRules does not know): the request's fault
            String path = result.stderrText().strip();
            throw JcriException.invalidArgument("config.linux.sysctls[" + path.replace('/', '.') + "]",
                    "the kernel refused the value \"" + TextRules.shown(sysctls.get(path)) + "\"");
        }
        result.requireSuccess();
    }

    /** Unpins a namespace (the kernel frees it once no process uses it) and deletes the pin file. Idempotent. */
    public static void destroy(Path pin) throws IOException {
        if (Files.exists(pin)) {
            Mounts.unmountIfMounted(pin, dev.jcri.linux.MountFlags.MNT_DETACH);
            Files.deleteIfExists(pin);
        }
    }
}
