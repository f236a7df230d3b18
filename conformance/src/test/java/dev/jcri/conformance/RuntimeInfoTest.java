package dev.jcri.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import runtime.v1.Api;

/** Version, Status, RuntimeConfig and UpdateRuntimeConfig, as kubelet calls them at start and every few seconds. */
@ExtendWith(SharedRuntime.class)
class RuntimeInfoTest {

    @Test
    void versionNamesTheRuntimeAndTheCriVersion(CriClient cri) {
        Api.VersionResponse v = cri.runtime().version(Api.VersionRequest.newBuilder().setVersion("v1").build());
        assertEquals("0.1.0", v.getVersion());
        assertEquals("v1", v.getRuntimeApiVersion());
        assertFalse(v.getRuntimeName().isEmpty());
        assertFalse(v.getRuntimeVersion().isEmpty());
        if (SharedRuntime.externalEndpoint() == null) {
            assertEquals("jcri", v.getRuntimeName());
            assertTrue(v.getRuntimeVersion().matches("\\d+\\.\\d+\\.\\d+.*"), v.getRuntimeVersion());
        }
    }

    @Test
    void statusReportsBothConditionsAndExplainsFalseOnes(CriClient cri) {
        Api.StatusResponse status = cri.runtime().status(Api.StatusRequest.getDefaultInstance());
        Set<String> types = status.getStatus().getConditionsList().stream()
                .map(Api.RuntimeCondition::getType).collect(Collectors.toSet());
        assertTrue(types.containsAll(Set.of("RuntimeReady", "NetworkReady")), types.toString());
        for (Api.RuntimeCondition c : status.getStatus().getConditionsList()) {
            if (!c.getStatus()) {
                assertFalse(c.getReason().isEmpty(), c.getType() + " is false without a reason");
                assertFalse(c.getMessage().isEmpty(), c.getType() + " is false without a message");
            }
        }
        assertTrue(status.getInfoMap().isEmpty(), "info is only for verbose requests");
    }

    @Test
    void runtimeIsReadyWhereItsBinariesAreInstalled(CriClient cri) {
        Api.RuntimeCondition ready = cri.runtime().status(Api.StatusRequest.getDefaultInstance())
                .getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals("RuntimeReady")).findFirst().orElseThrow();
        assertTrue(ready.getStatus(), "RuntimeReady false: " + ready.getReason() + " " + ready.getMessage());
    }

    @Test
    void verboseStatusCarriesTheEffectiveConfigAsJson(CriClient cri) throws Exception {
        Api.StatusResponse status = cri.runtime().status(Api.StatusRequest.newBuilder().setVerbose(true).build());
        assertTrue(status.getInfoMap().containsKey("config"), status.getInfoMap().keySet().toString());
        JsonNode config = Json.MAPPER.readTree(status.getInfoMap().get("config"));
        assertTrue(config.isObject());
        if (SharedRuntime.externalEndpoint() == null) {
            assertEquals(cri.socket().toString(), config.get("socket").asText());
            assertTrue(config.has("metrics.address"));
        }
    }

    @Test
    void runtimeConfigReportsTheCgroupDriverOfThisNode(CriClient cri) {
        Api.RuntimeConfigResponse rc = cri.runtime().runtimeConfig(Api.RuntimeConfigRequest.getDefaultInstance());
        boolean systemdNode = java.nio.file.Files.isDirectory(java.nio.file.Path.of("/run/systemd/system"));
        assertEquals(systemdNode ? Api.CgroupDriver.SYSTEMD : Api.CgroupDriver.CGROUPFS,
                rc.getLinux().getCgroupDriver());
    }

    @Test
    void podCidrFromUpdateRuntimeConfigIsKeptAndReported(CriClient cri) {
        cri.runtime().updateRuntimeConfig(Api.UpdateRuntimeConfigRequest.newBuilder()
                .setRuntimeConfig(Api.RuntimeConfig.newBuilder()
                        .setNetworkConfig(Api.NetworkConfig.newBuilder().setPodCidr("10.244.7.0/24")))
                .build());
        if (SharedRuntime.externalEndpoint() == null) {
            Api.StatusResponse status = cri.runtime().status(Api.StatusRequest.newBuilder().setVerbose(true).build());
            assertEquals("10.244.7.0/24", status.getInfoMap().get("podCIDR"));
        }
    }
}
