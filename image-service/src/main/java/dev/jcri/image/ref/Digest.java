package dev.jcri.image.ref;

import dev.jcri.image.error.InvalidReferenceException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image spec writes it: {@code algorithm:hex}. Only sha256 (and
 * sha512) can be verified; sha256 is what every registry uses.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {

    private static final Pattern SHA256 = Pattern.compile("[a-f0-9]{64}");
    private static final Pattern SHA512 = Pattern.compile("[a-f0-9]{128}");

    public Digest {
        if (!valid(algorithm, hex)) {
            throw new IllegalArgumentException("not a sha256/sha512 digest: " + algorithm + ":" + hex);
        }
    }

    /** Parses {@code sha256:<64 lowercase hex>}. */
    public static Digest parse(String text) throws InvalidReferenceException {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            throw new InvalidReferenceException("invalid digest \"" + text + "\": expected sha256:<64 hex digits>");
        }
        try {
            return new Digest(text.substring(0, colon), text.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new InvalidReferenceException("invalid digest \"" + text + "\": expected sha256:<64 hex digits>");
        }
    }

    /** Like {@link #parse} for digests that come from our own stores (a bad one is a bug there). */
    public static Digest of(String text) {
        try {
            return parse(text);
        } catch (InvalidReferenceException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Whether {@link #parse} would accept {@code text}. Asked of every image name a status call
     * names (most are tags, not digests), so it answers without throwing: an exception's stack
     * trace costs more than the rest of such a call.
     */
    public static boolean isDigest(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        return colon > 0 && valid(text.substring(0, colon), text.substring(colon + 1));
    }

    private static boolean valid(String algorithm, String hex) {
        return ("sha256".equals(algorithm) && SHA256.matcher(hex).matches())
                || ("sha512".equals(algorithm) && SHA512.matcher(hex).matches());
    }

    public static Digest sha256(byte[] content) {
        // documents held whole are small (manifests, configs: KiBs): the JDK's hasher, no native buffer for them
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new Digest("sha256", HexFormat.of().formatHex(sha.digest(content)));
    }

    public static Digest sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A hasher for this digest's algorithm; sha256 by OpenSSL where it is there (see {@link dev.jcri.linux.NativeSha256}). */
    public MessageDigest newHasher() {
        if ("sha256".equals(algorithm)) {
            return dev.jcri.linux.NativeSha256.create();
        }
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sha256 hasher for streams (layers): OpenSSL's where it is there. */
    public static MessageDigest newSha256() {
        return dev.jcri.linux.NativeSha256.create();
    }

    /** The first 12 hex digits, as tools print short image IDs. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }

    @Override
    public int compareTo(Digest o) {
        return toString().compareTo(o.toString());
    }
}
