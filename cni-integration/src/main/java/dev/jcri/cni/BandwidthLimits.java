package dev.jcri.cni;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Traffic shaping for the bandwidth plugin, in bits per second, from kubelet's pod annotations.
 * Rates outside kubelet's own accepted range (1k..1P) are rejected as kubelet does. Burst is the
 * maximum (MaxUint32 bits) as containerd passes it: Kubernetes has no burst annotation.
 */
public record BandwidthLimits(long ingressRate, long ingressBurst, long egressRate, long egressBurst) {
    public static final String INGRESS_ANNOTATION = "kubernetes.io/ingress-bandwidth";
    public static final String EGRESS_ANNOTATION = "kubernetes.io/egress-bandwidth";
    static final long UNLIMITED_BURST = 0xFFFF_FFFFL;
    private static final BigDecimal MIN = new BigDecimal("1e3");
    private static final BigDecimal MAX = new BigDecimal("1e15");

    /** Null when neither annotation is set. */
    public static BandwidthLimits fromAnnotations(Map<String, String> annotations) {
        String in = annotations.get(INGRESS_ANNOTATION);
        String out = annotations.get(EGRESS_ANNOTATION);
        if (in == null && out == null) {
            return null;
        }
        long ingress = in == null ? 0 : rate(INGRESS_ANNOTATION, in);
        long egress = out == null ? 0 : rate(EGRESS_ANNOTATION, out);
        return new BandwidthLimits(ingress, in == null ? 0 : UNLIMITED_BURST, egress, out == null ? 0 : UNLIMITED_BURST);
    }

    private static long rate(String annotation, String text) {
        BigDecimal v;
        try {
            v = Quantity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("annotation " + annotation + ": " + e.getMessage(), e);
        }
        if (v.compareTo(MIN) < 0) {
            throw new IllegalArgumentException("annotation " + annotation + "=" + text + " is unreasonably small (< 1kbit)");
        }
        if (v.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("annotation " + annotation + "=" + text + " is unreasonably large (> 1Pbit)");
        }
        return Quantity.value(text);
    }
}
