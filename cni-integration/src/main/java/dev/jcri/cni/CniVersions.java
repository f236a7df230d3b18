package dev.jcri.cni;

/** Compares CNI spec versions ("0.3.1", "1.0.0"); unparsable parts count as 0. */
final class CniVersions {
    private CniVersions() {}

    /** The version libcni assumes when a config names none. */
    static final String IMPLICIT = "0.1.0";

    static int compare(String a, String b) {
        int[] x = parse(a);
        int[] y = parse(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return 0;
    }

    static boolean atLeast(String version, String minimum) {
        return compare(version, minimum) >= 0;
    }

    private static int[] parse(String v) {
        int[] out = new int[3];
        if (v == null) {
            return out;
        }
        String[] parts = v.split("\\.", -1);
        for (int i = 0; i < Math.min(3, parts.length); i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                out[i] = 0;
            }
        }
        return out;
    }
}
