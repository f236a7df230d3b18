package dev.jcri.sandbox.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostFeaturesTest {
    @Test
    void procSysValuesAreReadWhole() {
        // Regression: Files.readString returned "4" for "40" (sysctl files answer EOF at offset > 0).
        String last = HostFeatures.readTrimmed(Path.of("/proc/sys/kernel/cap_last_cap"));
        if (!last.isEmpty()) {
            assertEquals(last, Integer.toString(HostFeatures.detect().lastCapability()));
            assertTrue(HostFeatures.detect().lastCapability() >= 30);
        }
    }

    @Test
    void kernelVersions() {
        assertTrue(HostFeatures.kernelAtLeast("6.18.44-fc-v669", 5, 12));
        assertTrue(HostFeatures.kernelAtLeast("5.12.0", 5, 12));
        assertFalse(HostFeatures.kernelAtLeast("5.10.0-23-amd64", 5, 12));
        assertFalse(HostFeatures.kernelAtLeast("garbage", 5, 12));
    }

    @Test
    void seccompArchitectures() {
        assertEquals(List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"), HostFeatures.seccompArchitecturesFor("amd64"));
        assertEquals(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"), HostFeatures.seccompArchitecturesFor("aarch64"));
    }
}
