package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import runtime.v1.Api;

/**
 * The environment: PATH default, HOSTNAME, then the image's variables, then the request's. A later
 * source replaces an earlier one's value in place (so the order of first appearance is kept, as
 * containerd's WithEnv does), which lets the image override PATH and the Pod override anything.
 */
final class ProcessEnv {
    /** The PATH runc, Docker and containerd use when the image sets none. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ProcessEnv() {}

    static List<String> of(String hostname, List<String> imageEnv, List<Api.KeyValue> requestEnv)
            throws JcriException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        if (!hostname.isEmpty()) {
            env.put("HOSTNAME", hostname);
        }
        for (String kv : imageEnv) {
            int eq = kv.indexOf('=');
            // An image entry without "=" (legal in Docker's config) means "empty value".
            String key = eq < 0 ? kv : kv.substring(0, eq);
            if (!key.isEmpty()) {
                env.put(key, eq < 0 ? "" : kv.substring(eq + 1));
            }
        }
        for (Api.KeyValue kv : requestEnv) {
            env.put(kv.getKey(), kv.getValue().toStringUtf8()); // names and values checked: ContainerConfigRules
        }
        List<String> out = new ArrayList<>(env.size());
        env.forEach((k, v) -> out.add(k + "=" + v));
        return List.copyOf(out);
    }
}
