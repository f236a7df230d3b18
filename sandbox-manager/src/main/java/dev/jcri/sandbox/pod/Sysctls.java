package dev.jcri.sandbox.pod;

import dev.jcri.sandbox.validate.SysctlRules;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pod's sysctls as the files NamespacePins writes. Which names and values a pod may set is
 * {@link SysctlRules}', checked before the pod is made.
 */
public final class Sysctls {

    private Sysctls() {}

    /** Names ("net.ipv4.ip_forward" or "net/ipv4/ip_forward") as /proc/sys-relative paths, with their values. */
    public static Map<String, String> toProcPaths(Map<String, String> sysctls) {
        Map<String, String> out = new LinkedHashMap<>();
        sysctls.forEach((name, value) -> out.put(SysctlRules.procPath(name), value));
        return out;
    }
}
