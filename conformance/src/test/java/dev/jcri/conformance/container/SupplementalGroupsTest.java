package dev.jcri.conformance.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.Containers;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestLayer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import runtime.v1.Api;

/**
 * SupplementalGroupsPolicy (KEP-3619, GA in 1.35): Merge gives the process the groups the image's
 * /etc/group lists its user in, plus the requested ones; Strict only the requested ones (and the
 * primary group). ContainerStatus.user reports what the process got, and Status.features says
 * the runtime does this, or kubelet refuses Strict pods.
 */
class SupplementalGroupsTest extends InOnePodTest {

    /** busybox whose /etc/group puts tester (1000) in "extra" (2000). */
    private String imageWithAGroupMembership() throws Exception {
        PushedImage pushed = Containers.registry().push("groups/extra:1", TestImages.busyboxBuilder().layer(TestLayer.builder()
                .dir("/etc").file("/etc/group", "root:x:0:\ntester:x:1000:\nextra:x:2000:tester\n").build()).build());
        cri.images().pullImage(Api.PullImageRequest.newBuilder()
                .setImage(Api.ImageSpec.newBuilder().setImage(pushed.reference())).build());
        return pushed.reference();
    }

    private Api.ContainerStatus runId(String name, String image, Api.SupplementalGroupsPolicy policy) {
        Api.ContainerConfig.Builder config = Containers.config(name, image, "id", "-G");
        config.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(Api.Int64Value.newBuilder().setValue(1000))
                .addSupplementalGroups(3000).setSupplementalGroupsPolicy(policy);
        String id = Containers.run(cri, podId, pod, config.build());
        return Containers.awaitExit(cri, id, Duration.ofSeconds(30));
    }

    private static String groupsSeen(Api.ContainerStatus status) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(status.getLogPath()));
        return lines.getFirst().replaceFirst("^\\S+ stdout F ", "");
    }

    @Test
    void mergeAddsTheImagesGroupsStrictDoesNot() throws Exception {
        String image = imageWithAGroupMembership();

        Api.ContainerStatus merge = runId("merge", image, Api.SupplementalGroupsPolicy.Merge);
        assertEquals("1000 2000 3000", groupsSeen(merge));
        assertEquals(1000, merge.getUser().getLinux().getUid());
        assertEquals(1000, merge.getUser().getLinux().getGid());
        assertEquals(List.of(1000L, 2000L, 3000L), merge.getUser().getLinux().getSupplementalGroupsList());

        Api.ContainerStatus strict = runId("strict", image, Api.SupplementalGroupsPolicy.Strict);
        assertEquals("1000 3000", groupsSeen(strict), "Strict: the image's /etc/group membership is not added");
        assertEquals(List.of(1000L, 3000L), strict.getUser().getLinux().getSupplementalGroupsList(),
                "the status tells what the process really got");
    }

    @Test
    void statusAdvertisesThePolicyAndAnUnknownPolicyIsRefused() {
        assertTrue(cri.runtime().status(Api.StatusRequest.getDefaultInstance()).getFeatures().getSupplementalGroupsPolicy());

        Api.ContainerConfig.Builder config = Containers.config("unknown-policy", image, "true");
        config.getLinuxBuilder().getSecurityContextBuilder().setSupplementalGroupsPolicyValue(7);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> Containers.create(cri, podId, pod, config.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("supplemental_groups_policy"), e.toString());
    }
}
