package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BandwidthLimitsTest {
    @Test
    void kubernetesQuantities() {
        assertEquals(10_000_000L, Quantity.value("10M"));
        assertEquals(1L << 30, Quantity.value("1Gi"));
        assertEquals(1500L, Quantity.value("1.5k"));
        assertEquals(1L, Quantity.value("100m"), "rounded up like Quantity.Value()");
        assertEquals(1000L, Quantity.value("1e3"));
        assertEquals(1000L, Quantity.value("1E3"));
        assertEquals(1_000_000_000_000_000_000L, Quantity.value("1E"));
        assertEquals(512L * 1024, Quantity.value("512Ki"));
        assertEquals(42L, Quantity.value(" 42 "));
        for (String bad : new String[] {"", "M", "10 M", "10X", "1.2.3", "ten"}) {
            assertThrows(IllegalArgumentException.class, () -> Quantity.value(bad), bad);
        }
    }

    @Test
    void fromAnnotations() {
        assertNull(BandwidthLimits.fromAnnotations(Map.of("a", "b")));
        assertEquals(new BandwidthLimits(10_000_000L, 0xFFFFFFFFL, 0, 0),
                BandwidthLimits.fromAnnotations(Map.of(BandwidthLimits.INGRESS_ANNOTATION, "10M")));
        assertEquals(new BandwidthLimits(0, 0, 1L << 20, 0xFFFFFFFFL),
                BandwidthLimits.fromAnnotations(Map.of(BandwidthLimits.EGRESS_ANNOTATION, "1Mi")));
    }

    @Test
    void outOfKubeletsRangeIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BandwidthLimits.fromAnnotations(Map.of(BandwidthLimits.INGRESS_ANNOTATION, "999")));
        assertTrue(e.getMessage().contains("unreasonably small"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BandwidthLimits.fromAnnotations(Map.of(BandwidthLimits.EGRESS_ANNOTATION, "2P")));
        var bad = assertThrows(IllegalArgumentException.class,
                () -> BandwidthLimits.fromAnnotations(Map.of(BandwidthLimits.EGRESS_ANNOTATION, "fast")));
        assertTrue(bad.getMessage().contains(BandwidthLimits.EGRESS_ANNOTATION), bad.getMessage());
    }
}
