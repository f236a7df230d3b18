package dev.jcri.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses WWW-Authenticate headers (RFC 7235): one or more challenges, each a scheme followed by
 * comma-separated {@code key=value} or {@code key="quoted value"} parameters, e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"}.
 */
public final class WwwAuthenticate {

    /** One challenge; scheme lowercased, parameter names lowercased. */
    public record Challenge(String scheme, Map<String, String> params) {
        public String param(String name) {
            return params.get(name);
        }
    }

    private WwwAuthenticate() {}

    public static List<Challenge> parse(List<String> headerValues) {
        List<Challenge> out = new ArrayList<>();
        for (String v : headerValues) {
            out.addAll(parse(v));
        }
        return out;
    }

    public static List<Challenge> parse(String header) {
        List<Challenge> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        int i = 0;
        int n = header.length();
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',' || header.charAt(i) == '\t')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && isTokenChar(header.charAt(i))) {
                i++;
            }
            String token = header.substring(start, i);
            int j = i;
            while (j < n && header.charAt(j) == ' ') {
                j++;
            }
            if (j < n && header.charAt(j) == '=' && scheme != null) {
                i = j + 1;
                while (i < n && header.charAt(i) == ' ') {
                    i++;
                }
                String value;
                if (i < n && header.charAt(i) == '"') {
                    StringBuilder b = new StringBuilder();
                    i++;
                    while (i < n && header.charAt(i) != '"') {
                        if (header.charAt(i) == '\\' && i + 1 < n) {
                            i++;
                        }
                        b.append(header.charAt(i++));
                    }
                    i++; // closing quote
                    value = b.toString();
                } else {
                    int vs = i;
                    while (i < n && header.charAt(i) != ',' && header.charAt(i) != ' ') {
                        i++;
                    }
                    value = header.substring(vs, i);
                }
                params.put(token.toLowerCase(Locale.ROOT), value);
            } else {
                if (token.isEmpty()) {
                    i++; // skip a stray character
                    continue;
                }
                if (scheme != null) {
                    out.add(new Challenge(scheme, Map.copyOf(params)));
                    params = new LinkedHashMap<>();
                }
                scheme = token.toLowerCase(Locale.ROOT);
            }
        }
        if (scheme != null) {
            out.add(new Challenge(scheme, Map.copyOf(params)));
        }
        return out;
    }

    private static boolean isTokenChar(char c) {
        return c > ' ' && c < 127 && c != '=' && c != ',' && c != '"';
    }
}
