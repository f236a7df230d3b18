package dev.jcri.sandbox.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jcri.sandbox.CgroupDriver;
import org.junit.jupiter.api.Test;

class CgroupParentsTest {

    @Test
    void cgroupfsParentsArePathsAlready() {
        assertEquals("/kubepods/burstable/pod123", CgroupParents.toPath(CgroupDriver.CGROUPFS, "/kubepods/burstable/pod123/"));
        assertEquals("", CgroupParents.toPath(CgroupDriver.CGROUPFS, ""));
        assertThrows(IllegalArgumentException.class, () -> CgroupParents.toPath(CgroupDriver.CGROUPFS, "kubepods"));
        assertThrows(IllegalArgumentException.class, () -> CgroupParents.toPath(CgroupDriver.CGROUPFS, "/kubepods/../etc"));
    }

    @Test
    void systemdSlicesNestByTheirDashPrefixes() {
        assertEquals("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod123.slice",
                CgroupParents.toPath(CgroupDriver.SYSTEMD, "kubepods-burstable-pod123.slice"));
        assertEquals("/kubepods.slice", CgroupParents.toPath(CgroupDriver.SYSTEMD, "kubepods.slice"));
        assertEquals("", CgroupParents.toPath(CgroupDriver.SYSTEMD, "-.slice"));
        assertThrows(IllegalArgumentException.class, () -> CgroupParents.toPath(CgroupDriver.SYSTEMD, "/kubepods/pod1"));
        assertThrows(IllegalArgumentException.class, () -> CgroupParents.toPath(CgroupDriver.SYSTEMD, "kubepods--x.slice"));
    }

    @Test
    void sharesMapOntoWeightsAtTheEnds() {
        assertEquals(1, PodResources.sharesToWeight(2));
        assertEquals(10000, PodResources.sharesToWeight(262144));
        assertEquals(39, PodResources.sharesToWeight(1024));
    }
}
