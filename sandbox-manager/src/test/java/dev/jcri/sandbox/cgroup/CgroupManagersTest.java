package dev.jcri.sandbox.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CgroupManagersTest {

    private final CgroupManager cgroupfs = CgroupManager.of(CgroupDriver.CGROUPFS);
    private final CgroupManager systemd = CgroupManager.of(CgroupDriver.SYSTEMD);

    @Test
    void cgroupfsParentsArePathsAlready() {
        assertEquals("/kubepods/burstable/pod123", cgroupfs.podPath("/kubepods/burstable/pod123/"));
        assertEquals("", cgroupfs.podPath(""));
        assertEquals("/kube..pods", cgroupfs.podPath("/kube..pods"), "dots inside a name are a name");
        assertThrows(IllegalArgumentException.class, () -> cgroupfs.podPath("kubepods"));
        assertThrows(IllegalArgumentException.class, () -> cgroupfs.podPath("/kubepods/../etc"));
        assertThrows(IllegalArgumentException.class, () -> cgroupfs.podPath("/kubepods/./x"));
    }

    @Test
    void cgroupfsContainersAreNamedByTheirIdUnderThePodsParent() {
        assertEquals("/kubepods/pod1/abc", cgroupfs.containerCgroupsPath("/kubepods/pod1", "abc"));
        assertEquals("/kubepods/pod1/abc", cgroupfs.containerPath("/kubepods/pod1/", "abc"));
        assertEquals("/jcri/abc", cgroupfs.containerPath("", "abc"), "pods without a parent share /jcri");
    }

    @Test
    void systemdSlicesNestByTheirDashPrefixes() {
        assertEquals("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod123.slice",
                systemd.podPath("kubepods-burstable-pod123.slice"));
        assertEquals("/kubepods.slice", systemd.podPath("kubepods.slice"));
        assertEquals("", systemd.podPath("-.slice"));
        assertThrows(IllegalArgumentException.class, () -> systemd.podPath("/kubepods/pod1"));
        assertThrows(IllegalArgumentException.class, () -> systemd.podPath("kubepods--x.slice"));
        assertThrows(IllegalArgumentException.class, () -> systemd.podPath("kubepods-.slice"));
        assertThrows(IllegalArgumentException.class, () -> systemd.podPath("kubepods"));
    }

    @Test
    void systemdContainersAreScopesInThePodsSlice() {
        assertEquals("kubepods-pod1.slice:jcri:abc", systemd.containerCgroupsPath("kubepods-pod1.slice", "abc"));
        assertEquals("/kubepods.slice/kubepods-pod1.slice/jcri-abc.scope", systemd.containerPath("kubepods-pod1.slice", "abc"));
        assertEquals("system.slice:jcri:abc", systemd.containerCgroupsPath("", "abc"));
        assertEquals("/system.slice/jcri-abc.scope", systemd.containerPath("", "abc"));
    }

    @Test
    void sharesMapOntoWeightsAtTheEnds() {
        assertEquals(1, CpuV2.sharesToWeight(2));
        assertEquals(10000, CpuV2.sharesToWeight(262144));
        assertEquals(39, CpuV2.sharesToWeight(1024));
        assertEquals(1, CpuV2.sharesToWeight(0), "below the v1 range clamps");
    }
}
