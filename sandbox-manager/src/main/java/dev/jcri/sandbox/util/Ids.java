package dev.jcri.sandbox.util;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/** IDs and timestamps in the forms the CRI uses. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /** A new 64-hex-digit ID, as containerd and CRI-O hand out for pods and containers. */
    public static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The 13-character prefix crictl shows. */
    public static String shortId(String id) {
        return id.length() > 13 ? id.substring(0, 13) : id;
    }

    /** Now, in nanoseconds since the epoch (CRI timestamps). */
    public static long nowNanos() {
        return toNanos(Instant.now());
    }

    public static long toNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
