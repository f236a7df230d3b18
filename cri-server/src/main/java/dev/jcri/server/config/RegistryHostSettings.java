package dev.jcri.server.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code [registry.configs."HOST"]} table: how to reach a registry or mirror host. Secrets are
 * never shown: {@link #toJson} (used by verbose Status) masks them.
 *
 * @param caFile "" or an absolute path to a PEM file of extra trusted CAs
 * @param auth "" or base64 of "username:password" (as in Docker's config.json)
 * @param certFile "" or an absolute path to a PEM client certificate (mutual TLS), its key in {@code keyFile}
 *                 or, when that is "", in the same file (containerd's {@code tls.cert_file}/{@code key_file})
 * @param keyFile "" or an absolute path to the PEM private key of {@code certFile}
 * @param overridePath mirror endpoint paths on this host are the API root as they are, not {@code <path>/v2}
 *                     (containerd's hosts.toml {@code override_path})
 */
public record RegistryHostSettings(boolean insecure, String caFile, String username, String password, String auth,
        String identityToken, String certFile, String keyFile, boolean overridePath) {

    static final Map<String, String> KEYS = Map.of(
            "insecure", "true or false", "ca_file", "an absolute path", "username", "a string", "password", "a string",
            "auth", "a string (base64 of user:password)", "identity_token", "a string", "cert_file", "an absolute path",
            "key_file", "an absolute path", "override_path", "true or false");

    /** Keys whose values are true or false; those whose values are absolute paths. */
    static final java.util.Set<String> BOOLEANS = java.util.Set.of("insecure", "override_path");
    static final java.util.Set<String> PATHS = java.util.Set.of("ca_file", "cert_file", "key_file");

    @JsonValue
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("insecure", insecure);
        m.put("ca_file", caFile);
        m.put("username", username);
        m.put("password", password.isEmpty() ? "" : "(set)");
        m.put("auth", auth.isEmpty() ? "" : "(set)");
        m.put("identity_token", identityToken.isEmpty() ? "" : "(set)");
        m.put("cert_file", certFile);
        m.put("key_file", keyFile);
        m.put("override_path", overridePath);
        return m;
    }

    /** TOML inline-table text (for rendering non-default values); secrets included, as in the file. */
    String toToml() {
        return "{ insecure = " + insecure + ", ca_file = " + Setting.quote(caFile) + ", username = " + Setting.quote(username)
                + ", password = " + Setting.quote(password) + ", auth = " + Setting.quote(auth)
                + ", identity_token = " + Setting.quote(identityToken) + ", cert_file = " + Setting.quote(certFile)
                + ", key_file = " + Setting.quote(keyFile) + ", override_path = " + overridePath + " }";
    }
}
