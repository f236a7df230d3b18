package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.jcri.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Seccomp profiles in Docker's format (what Kubernetes' Localhost profiles and our built-in default
 * are written in; the OCI format is a subset of it) compiled into linux.seccomp for one container:
 * rules whose {@code includes}/{@code excludes} do not match the container's bounding capabilities,
 * the node's architecture or kernel are dropped, {@code archMap} becomes the architectures list.
 */
final class SeccompProfiles {
    private SeccompProfiles() {}

    private static final Set<String> ACTIONS = Set.of("SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");
    private static final Set<String> OPERATORS = Set.of("SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
            "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Profile(String defaultAction, Integer defaultErrnoRet, List<String> architectures, List<ArchMap> archMap,
                   List<String> flags, String listenerPath, String listenerMetadata, List<Rule> syscalls) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ArchMap(String architecture, List<String> subArchitectures) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Rule(String name, List<String> names, String action, Integer errnoRet, List<Arg> args,
                Filter includes, Filter excludes) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Arg(long index, BigInteger value, BigInteger valueTwo, String op) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Filter(List<String> caps, List<String> arches, String minKernel) {}

    /** Where the rules are evaluated: the container's bounding set and the node. */
    record Target(Collection<String> boundingCaps, String goArch, String kernelRelease, List<String> nativeArchitectures) {}

    static Profile runtimeDefault() {
        try (InputStream in = SeccompProfiles.class.getResourceAsStream("seccomp-default.json")) {
            if (in == null) {
                throw new IllegalStateException("seccomp-default.json missing from the classpath");
            }
            return Json.reader().readValue(in, Profile.class);
        } catch (IOException e) {
            throw new IllegalStateException("built-in seccomp profile unreadable", e);
        }
    }

    /** A Localhost profile; errors name the file, since that is what the Pod author got wrong. */
    static Profile localhost(String path, String field) throws JcriException {
        if (path.isEmpty() || !path.startsWith("/")) {
            throw JcriException.invalidArgument(field, "localhost seccomp profile path must be absolute: \"" + path + "\"");
        }
        Profile p;
        try {
            p = Json.reader().readValue(Files.readAllBytes(Path.of(path)), Profile.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw JcriException.invalidArgument(field, "seccomp profile " + path + " not found", e);
        } catch (IOException e) {
            throw JcriException.invalidArgument(field, "seccomp profile " + path + " is not valid JSON: " + e.getMessage(), e);
        }
        if (p == null || p.defaultAction() == null || !ACTIONS.contains(p.defaultAction())) {
            throw JcriException.invalidArgument(field, "seccomp profile " + path + " has no valid defaultAction");
        }
        return p;
    }

    static OciSpec.Seccomp compile(Profile p, Target t, String field) throws JcriException {
        List<String> arches = architectures(p, t);
        List<OciSpec.Syscall> syscalls = new ArrayList<>();
        for (Rule r : p.syscalls() == null ? List.<Rule>of() : p.syscalls()) {
            if (!applies(r, t)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            if (r.names() != null) {
                names.addAll(r.names());
            }
            if (r.name() != null && !r.name().isEmpty()) {
                names.add(r.name());
            }
            if (names.isEmpty()) {
                continue;
            }
            if (r.action() == null || !ACTIONS.contains(r.action())) {
                throw JcriException.invalidArgument(field, "seccomp rule for " + names + " has an invalid action " + r.action());
            }
            List<OciSpec.SyscallArg> args = new ArrayList<>();
            for (Arg a : r.args() == null ? List.<Arg>of() : r.args()) {
                if (a.op() == null || !OPERATORS.contains(a.op()) || a.index() < 0 || a.index() > 5) {
                    throw JcriException.invalidArgument(field, "seccomp rule for " + names + " has an invalid argument filter");
                }
                BigInteger two = a.valueTwo() == null || a.valueTwo().signum() == 0 ? null : a.valueTwo();
                args.add(new OciSpec.SyscallArg(a.index(), a.value() == null ? BigInteger.ZERO : a.value(), two, a.op()));
            }
            syscalls.add(new OciSpec.Syscall(List.copyOf(names), r.action(), r.errnoRet(), List.copyOf(args)));
        }
        return new OciSpec.Seccomp(p.defaultAction(), p.defaultErrnoRet(), arches,
                p.flags() == null ? List.of() : List.copyOf(p.flags()), p.listenerPath(), p.listenerMetadata(),
                List.copyOf(syscalls));
    }

    private static List<String> architectures(Profile p, Target t) {
        if (p.architectures() != null && !p.architectures().isEmpty()) {
            return List.copyOf(p.architectures());
        }
        if (p.archMap() != null && !p.archMap().isEmpty() && !t.nativeArchitectures().isEmpty()) {
            // Only the map entry of this node's architecture counts, with its compat ones.
            String nativeArch = t.nativeArchitectures().getFirst();
            for (ArchMap m : p.archMap()) {
                if (nativeArch.equals(m.architecture())) {
                    List<String> out = new ArrayList<>();
                    out.add(m.architecture());
                    if (m.subArchitectures() != null) {
                        out.addAll(m.subArchitectures());
                    }
                    return List.copyOf(out);
                }
            }
            return List.of();
        }
        return List.copyOf(t.nativeArchitectures());
    }

    /** Docker's semantics: includes need all listed caps / one listed arch; excludes any of them. */
    private static boolean applies(Rule r, Target t) {
        Filter in = r.includes();
        if (in != null) {
            if (in.caps() != null && !t.boundingCaps().containsAll(in.caps())) {
                return false;
            }
            if (in.arches() != null && !in.arches().isEmpty() && !in.arches().contains(t.goArch())) {
                return false;
            }
            if (in.minKernel() != null && !in.minKernel().isEmpty() && !kernelAtLeast(t.kernelRelease(), in.minKernel())) {
                return false;
            }
        }
        Filter ex = r.excludes();
        if (ex != null) {
            if (ex.caps() != null && ex.caps().stream().anyMatch(t.boundingCaps()::contains)) {
                return false;
            }
            if (ex.arches() != null && ex.arches().contains(t.goArch())) {
                return false;
            }
            if (ex.minKernel() != null && !ex.minKernel().isEmpty() && kernelAtLeast(t.kernelRelease(), ex.minKernel())) {
                return false;
            }
        }
        return true;
    }

    private static boolean kernelAtLeast(String release, String min) {
        String[] m = min.split("\\.");
        try {
            return HostFeatures.kernelAtLeast(release, Integer.parseInt(m[0]), m.length > 1 ? Integer.parseInt(m[1]) : 0);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Go's GOARCH names, which Docker-format profiles use in includes/excludes. */
    static String goArch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "arm" -> "arm";
            default -> javaArch;
        };
    }
}
