package dev.jcri.sandbox.spec;

import dev.jcri.errors.JcriException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class CapabilitySetsTest {
    private static OciSpec.Capabilities caps(Api.Capability.Builder c, boolean privileged) throws Exception {
        return CapabilitySets.of(c.build(), privileged, 40);
    }

    @Test
    void defaultSetInBoundingEffectivePermittedOnly() throws Exception {
        OciSpec.Capabilities c = caps(Api.Capability.newBuilder(), false);
        assertEquals(14, c.bounding().size());
        assertTrue(c.bounding().containsAll(CapabilitySets.DEFAULT));
        assertEquals(c.bounding(), c.effective());
        assertEquals(c.bounding(), c.permitted());
        assertEquals(List.of(), c.inheritable());
        assertEquals(List.of(), c.ambient());
    }

    @Test
    void addAndDropWithOrWithoutPrefixAnyCase() throws Exception {
        OciSpec.Capabilities c = caps(Api.Capability.newBuilder().addAddCapabilities("net_admin")
                .addAddCapabilities("CAP_SYS_TIME").addDropCapabilities("NET_RAW"), false);
        assertTrue(c.bounding().contains("CAP_NET_ADMIN"));
        assertTrue(c.bounding().contains("CAP_SYS_TIME"));
        assertFalse(c.bounding().contains("CAP_NET_RAW"));
    }

    @Test
    void dropAllThenAddOne() throws Exception {
        OciSpec.Capabilities c = caps(Api.Capability.newBuilder().addDropCapabilities("ALL").addAddCapabilities("NET_BIND_SERVICE"), false);
        assertEquals(List.of("CAP_NET_BIND_SERVICE"), c.bounding());
    }

    @Test
    void addAllGivesEveryGrantableCapabilityMinusDrops() throws Exception {
        OciSpec.Capabilities c = caps(Api.Capability.newBuilder().addAddCapabilities("ALL").addDropCapabilities("SYS_ADMIN"), false);
        List<String> grantable = CapabilitySets.grantable(CapabilitySets.all(40));
        assertEquals(grantable.size() - 1, c.bounding().size());
        assertFalse(c.bounding().contains("CAP_SYS_ADMIN"));
        assertTrue(c.bounding().contains("CAP_CHECKPOINT_RESTORE"));
    }

    @Test
    void privilegedGetsAllTheKernelKnowsThatTheDaemonHolds() throws Exception {
        assertEquals(CapabilitySets.grantable(CapabilitySets.all(40)),
                caps(Api.Capability.newBuilder().addDropCapabilities("ALL"), true).bounding());
        assertEquals(CapabilitySets.grantable(CapabilitySets.all(37)).size(),
                CapabilitySets.of(Api.Capability.getDefaultInstance(), true, 37).bounding().size());
        assertTrue(CapabilitySets.grantable(CapabilitySets.all(40)).contains("CAP_SYS_ADMIN"));
    }

    @Test
    void unknownNameIsInvalid() {
        var e = assertThrows(JcriException.class, () -> caps(Api.Capability.newBuilder().addAddCapabilities("CAP_FLY"), false));
        assertEquals("linux.security_context.capabilities.add_capabilities", e.field());
    }

    @Test
    void ambientGoesToInheritableToo() throws Exception {
        OciSpec.Capabilities c = caps(Api.Capability.newBuilder().addAddAmbientCapabilities("NET_ADMIN"), false);
        assertEquals(List.of("CAP_NET_ADMIN"), c.ambient());
        assertEquals(List.of("CAP_NET_ADMIN"), c.inheritable());
        assertTrue(c.permitted().contains("CAP_NET_ADMIN"));
    }
}
