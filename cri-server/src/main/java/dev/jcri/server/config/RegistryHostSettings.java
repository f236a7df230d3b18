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
 */
public record RegistryHostSettings(boolean insecure, String caFile, String username, String password, String auth,
        String identityToken) {

    static final Map<String, String> KEYS = Map.of(
            "insecure", "true or false", "ca_file", "an absolute path", "username", "a string", "password", "a string",
            "auth", "a string (base64 of user:password)", "identity_token", "a string");

    @JsonValue
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("insecure", insecure);
        m.put("ca_file", caFile);
        m.put("username", username);
        m.put("password", password.isEmpty() ? "" : "(set)");
        m.put("auth", auth.isEmpty() ? "" : "(set)");
        m.put("identity_token", identityToken.isEmpty() ? "" : "(set)");
        return m;
    }

    /** TOML inline-table text (for rendering non-default values); secrets included, as in the file. */
    String toToml() {
        return "{ insecure = " + insecure + ", ca_file = " + Setting.quote(caFile) + ", username = " + Setting.quote(username)
                + ", password = " + Setting.quote(password) + ", auth = " + Setting.quote(auth)
                + ", identity_token = " + Setting.quote(identityToken) + " }";
    }
}
