package dev.jcri.sandbox.validate;

import dev.jcri.errors.JcriException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names, labels and annotations of pods and containers. Names end up in paths, in conmon's argv
 * ({@code k8s_NAME_POD_NAMESPACE_UID_ATTEMPT}) and in CNI_ARGS ({@code K8S_POD_NAME=...;...}),
 * where a '/', '_', ';' or '=' would be read as structure: they are DNS-1123-like words (letters,
 * digits, '-', '.', starting and ending alphanumeric; upper case is allowed, as crictl users send it),
 * at most 253 characters (Kubernetes' longest object name; namespaces and container names are
 * 63 there). Labels and annotations are stored and echoed: bounded by Kubernetes' sizes plus what
 * kubelet adds (its label values carry the pod name, up to 253).
 */
public final class NameRules {

    static final int MAX_NAME = 253;
    /** A qualified key: a DNS-subdomain prefix (253), '/', a name (63). */
    static final int MAX_KEY = 253 + 1 + 63;
    static final int MAX_LABEL_VALUE = 253;
    /** Kubernetes' 256 KiB of a pod's annotations, and 64 KiB for those kubelet adds. */
    static final int MAX_ANNOTATIONS = (256 + 64) * 1024;
    /** The kernel's HOST_NAME_MAX. */
    static final int MAX_HOSTNAME = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private NameRules() {}

    /** A required metadata name (name, namespace, uid). */
    public static void name(String field, String value) throws JcriException {
        if (value.isEmpty()) {
            throw JcriException.invalidArgument(field, "is required");
        }
        if (value.length() > MAX_NAME) {
            throw JcriException.invalidArgument(field, "longer than " + MAX_NAME + " characters (" + value.length() + ")");
        }
        if (!NAME.matcher(value).matches()) {
            throw JcriException.invalidArgument(field, "\"" + TextRules.shown(value) + "\" must be letters, digits, '-' and '.',"
                    + " starting and ending with a letter or digit");
        }
    }

    public static void labels(String field, Map<String, String> labels) throws JcriException {
        for (var e : labels.entrySet()) {
            key(field, e.getKey());
            String entry = field + "[" + TextRules.shown(e.getKey()) + "]";
            TextRules.noNul(entry, e.getValue());
            if (e.getValue().length() > MAX_LABEL_VALUE) {
                throw JcriException.invalidArgument(entry, "value longer than " + MAX_LABEL_VALUE + " characters");
            }
        }
    }

    public static void annotations(String field, Map<String, String> annotations) throws JcriException {
        long total = 0;
        for (var e : annotations.entrySet()) {
            key(field, e.getKey());
            TextRules.noNul(field + "[" + TextRules.shown(e.getKey()) + "]", e.getValue());
            total += TextRules.utf8Length(e.getKey()) + TextRules.utf8Length(e.getValue());
        }
        if (total > MAX_ANNOTATIONS) {
            throw JcriException.invalidArgument(field, "hold " + total + " bytes, more than " + MAX_ANNOTATIONS);
        }
    }

    private static void key(String field, String key) throws JcriException {
        if (key.isEmpty() || key.length() > MAX_KEY) {
            throw JcriException.invalidArgument(field, "key \"" + TextRules.shown(key) + "\" is empty or longer than "
                    + MAX_KEY + " characters");
        }
        TextRules.noNul(field + " key", key);
    }

    /**
     * A hostname (RFC 1123): dot-separated labels of letters, digits and '-', at most 64 bytes in
     * all (the kernel cuts a longer one silently). Empty means the pod's name.
     */
    public static void hostname(String field, String hostname) throws JcriException {
        if (hostname.isEmpty()) {
            return;
        }
        if (hostname.length() > MAX_HOSTNAME) {
            throw JcriException.invalidArgument(field, "longer than " + MAX_HOSTNAME + " characters (" + hostname.length() + ")");
        }
        for (String label : hostname.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                throw JcriException.invalidArgument(field, "\"" + TextRules.shown(hostname) + "\" is not an RFC 1123 hostname");
            }
        }
    }
}
