package dev.jcri.image.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials for one registry, as kubelet's AuthConfig and Docker's config.json carry them. Empty
 * strings mean "not set". {@code registryToken} is sent as a bearer token as is;
 * {@code identityToken} is an OAuth2 refresh token exchanged at the registry's token server.
 */
public record RegistryCredentials(String username, String password, String identityToken, String registryToken) {

    public static final RegistryCredentials NONE = new RegistryCredentials("", "", "", "");

    public RegistryCredentials {
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        identityToken = identityToken == null ? "" : identityToken;
        registryToken = registryToken == null ? "" : registryToken;
    }

    public static RegistryCredentials basic(String username, String password) {
        return new RegistryCredentials(username, password, "", "");
    }

    /**
     * Builds credentials from AuthConfig's fields; {@code auth} (base64 of "user:password") fills
     * username and password when they are empty.
     *
     * @throws IllegalArgumentException when {@code auth} is not base64 of "user:password"
     */
    public static RegistryCredentials of(String username, String password, String auth, String identityToken,
            String registryToken) {
        String u = username == null ? "" : username;
        String p = password == null ? "" : password;
        if (auth != null && !auth.isEmpty() && u.isEmpty() && p.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.strip()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("auth is not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("auth must be base64 of \"username:password\"");
            }
            u = decoded.substring(0, colon);
            p = decoded.substring(colon + 1);
        }
        return new RegistryCredentials(u, p, identityToken, registryToken);
    }

    public boolean isEmpty() {
        return username.isEmpty() && password.isEmpty() && identityToken.isEmpty() && registryToken.isEmpty();
    }

    public boolean hasPassword() {
        return !username.isEmpty() || !password.isEmpty();
    }

    /** The value of a Basic Authorization header. */
    String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Identifies these credentials in cache keys (bearer tokens, shared pulls) without holding the
     * secrets: a SHA-256 over every field. A hash code would not do: "Aa" and "BB" share one, and
     * a colliding key hands one user's token or pull to another.
     */
    public String cacheKey() {
        return isEmpty() ? "anonymous" : fingerprint(username, password, identityToken, registryToken);
    }

    /** SHA-256 (hex) of the strings, each length-prefixed so that no two different lists give the same input. */
    static String fingerprint(String... parts) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] b = (p == null ? "" : p).getBytes(StandardCharsets.UTF_8);
                sha.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
                sha.update(b);
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return isEmpty() ? "anonymous" : "credentials of " + (username.isEmpty() ? "(token)" : username);
    }
}
