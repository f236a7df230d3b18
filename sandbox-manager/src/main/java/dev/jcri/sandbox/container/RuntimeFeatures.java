package dev.jcri.sandbox.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.json.Json;
import dev.jcri.sandbox.spec.HostFeatures;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one OCI runtime says it can do, from {@code RUNTIME features} (the OCI runtime-spec's
 * features document: runc 1.1 and later have the command, crun 1.8 does not), asked once per
 * handler when jcri starts.
 *
 * <p>Why ask rather than assume: runtimes ignore mount options they do not know (runc 1.1.5 and
 * crun 1.8.1 both mount a bind with a made-up "rbogus" option without a word). A runtime without
 * "rro" mounts such a volume read-only at its top only, its submounts stay writable, and no error
 * says so. So a feature that a request needs and that is not reported is treated as absent, and
 * the request is refused; a runtime that cannot answer at all reports nothing (crun 1.8.1 does
 * honour "rro", but cannot say so, and another build or version need not).
 *
 * @param reported     whether the runtime answered the features command
 * @param mountOptions the mount options it knows (empty when it did not answer)
 * @param seccomp      whether it applies seccomp filters; null when it does not say
 * @param appArmor     whether it applies AppArmor profiles; null when it does not say
 */
public record RuntimeFeatures(boolean reported, Set<String> mountOptions, Boolean seccomp, Boolean appArmor) {

    /** A runtime without a features command (runc 1.0, crun 1.8): nothing beyond the OCI 1.0 basics is known. */
    public static final RuntimeFeatures UNREPORTED = new RuntimeFeatures(false, Set.of(), null, null);

    public RuntimeFeatures {
        mountOptions = Set.copyOf(mountOptions);
    }

    /** Parses the features document; an unreadable one is an error (the caller decides what that means). */
    public static RuntimeFeatures parse(byte[] json) throws IOException {
        JsonNode root = Json.reader().readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("the features answer is not a JSON object");
        }
        Set<String> options = new LinkedHashSet<>();
        root.path("mountOptions").forEach(o -> {
            if (o.isTextual()) {
                options.add(o.asText());
            }
        });
        JsonNode linux = root.path("linux");
        return new RuntimeFeatures(true, options, enabled(linux.path("seccomp")), enabled(linux.path("apparmor")));
    }

    private static Boolean enabled(JsonNode feature) {
        JsonNode enabled = feature.path("enabled");
        return enabled.isBoolean() ? enabled.asBoolean() : null;
    }

    /** Whether the runtime reported {@code option} among the mount options it knows. */
    public boolean knowsMountOption(String option) {
        return mountOptions.contains(option);
    }

    /**
     * The node's facts as containers of this runtime see them: recursive read-only mounts need
     * the kernel (5.12+) and a runtime that reports "rro"; seccomp and AppArmor are off when the
     * runtime says it cannot apply them (when it does not say, the kernel's facts stand).
     */
    public HostFeatures applyTo(HostFeatures host) {
        return host.narrowedBy(knowsMountOption("rro"), !Boolean.FALSE.equals(seccomp), !Boolean.FALSE.equals(appArmor));
    }
}
