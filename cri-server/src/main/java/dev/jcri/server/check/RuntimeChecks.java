package dev.jcri.server.check;

import dev.jcri.sandbox.RuntimeBinaries;
import dev.jcri.sandbox.container.OciRuntime;
import dev.jcri.sandbox.container.RuntimeFeatures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The programs that run containers: each configured handler (found, its version, the features it
 * reports, the same question the daemon asks at start) and conmon. A configured handler that is
 * missing is a FAIL even when it is not the default: the daemon would start, but every pod of
 * that RuntimeClass would be refused, which is what a node check is for.
 */
final class RuntimeChecks {

    private RuntimeChecks() {}

    static List<CheckResult> handlers(Map<String, String> handlers, String defaultHandler, Path configFile) {
        List<CheckResult> out = new ArrayList<>();
        if (!handlers.containsKey(defaultHandler)) {
            out.add(CheckResult.fail("default handler", "\"" + defaultHandler + "\" is not in runtime.handlers " + handlers.keySet(),
                    "set runtime.default_handler to one of them in " + where(configFile)));
        }
        for (var e : handlers.entrySet()) {
            out.add(handler(e.getKey(), e.getValue(), configFile));
        }
        return out;
    }

    private static CheckResult handler(String name, String binary, Path configFile) {
        String label = "handler " + name;
        Optional<Path> found = RuntimeBinaries.find(binary);
        if (found.isEmpty()) {
            return CheckResult.fail(label, binary + " not found or not executable",
                    "install it (apt install " + Path.of(binary).getFileName() + ") or fix runtime.handlers."
                            + name + " in " + where(configFile));
        }
        String version = HostChecks.firstLine(found.get(), "--version");
        RuntimeFeatures features = OciRuntime.askFeatures(found.get());
        String detail = found.get() + " (" + (version.isEmpty() ? "no version answer" : version) + ")";
        if (!features.reported()) {
            return CheckResult.warn(label, detail + "; reports no features",
                    "recursive read-only mounts are refused for its pods; a runtime with `features` (runc 1.1+, crun 1.9+) lifts that");
        }
        List<String> has = new ArrayList<>();
        if (features.knowsMountOption("rro")) {
            has.add("rro");
        }
        if (!Boolean.FALSE.equals(features.seccomp())) {
            has.add("seccomp");
        }
        if (Boolean.TRUE.equals(features.appArmor())) {
            has.add("apparmor");
        }
        return CheckResult.ok(label, detail + "; features " + has);
    }

    static CheckResult conmon(String conmon, Path configFile) {
        Optional<Path> found = RuntimeBinaries.find(conmon);
        if (found.isEmpty()) {
            return CheckResult.fail("conmon", conmon + " not found", "apt install conmon, or fix runtime.conmon in " + where(configFile));
        }
        String version = HostChecks.firstLine(found.get(), "--version");
        return CheckResult.ok("conmon", found.get() + (version.isEmpty() ? "" : " (" + version + ")"));
    }

    static String where(Path configFile) {
        return configFile == null ? "/etc/jcri/jcri.toml" : configFile.toString();
    }
}
