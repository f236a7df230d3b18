package dev.jcri.sandbox.validate;

import static dev.jcri.sandbox.validate.Refusals.invalid;

import org.junit.jupiter.api.Test;
import runtime.v1.Api;

class UserNamespaceRulesTest {

    private static final String SC = "config.linux.security_context.";
    private static final String F = SC + "namespace_options.userns_options";

    private static Api.IDMapping map(int container, int host, int length) {
        return Api.IDMapping.newBuilder().setContainerId(container).setHostId(host).setLength(length).build();
    }

    /** What kubelet sends for hostUsers: false. */
    private static Api.UserNamespace.Builder pod() {
        return Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.POD).addUids(map(0, 65536 * 10, 65536))
                .addGids(map(0, 65536 * 10, 65536));
    }

    private static void checkPod(Api.UserNamespace.Builder userns) throws Exception {
        UserNamespaceRules.checkPod(SC, Api.NamespaceOption.newBuilder().setUsernsOptions(userns).build());
    }

    @Test
    void kubeletsOptionsAndNoneAtAllPass() throws Exception {
        checkPod(pod());
        checkPod(Api.UserNamespace.newBuilder().setMode(Api.NamespaceMode.NODE));
        UserNamespaceRules.checkPod(SC, Api.NamespaceOption.getDefaultInstance());
    }

    @Test
    void modesOtherThanPodAndNodeAreRefused() {
        invalid(F + ".mode", () -> checkPod(pod().setMode(Api.NamespaceMode.CONTAINER)));
        invalid(F + ".mode", () -> checkPod(pod().setMode(Api.NamespaceMode.TARGET)));
        invalid(F + ".mode", () -> checkPod(pod().setModeValue(7)));
        invalid(F, () -> checkPod(pod().setMode(Api.NamespaceMode.NODE)));
    }

    @Test
    void mappingsMustBeOneEachMapTheRootAndStayOffTheNodesRoot() {
        invalid(F + ".uids", () -> checkPod(pod().addUids(map(65536, 1 << 24, 10))));
        invalid(F + ".gids", () -> checkPod(pod().clearGids()));
        invalid(F + ".uids[0].container_id", () -> checkPod(pod().clearUids().addUids(map(1, 65536, 65536))));
        invalid(F + ".gids[0].host_id", () -> checkPod(pod().clearGids().addGids(map(0, 0, 65536))));
        invalid(F + ".uids[0].length", () -> checkPod(pod().clearUids().addUids(map(0, 65536, 0))));
        invalid(F + ".uids[0].length", () -> checkPod(pod().clearUids().addUids(map(0, -65536, 65536)))); // 2^32 - 65536 + 65536
    }

    @Test
    void aPodUserNamespaceCannotUseTheNodesNetworkPidOrIpc() {
        for (var host : java.util.List.<java.util.function.UnaryOperator<Api.NamespaceOption.Builder>>of(
                n -> n.setNetwork(Api.NamespaceMode.NODE), n -> n.setPid(Api.NamespaceMode.NODE),
                n -> n.setIpc(Api.NamespaceMode.NODE))) {
            Api.NamespaceOption ns = host.apply(Api.NamespaceOption.newBuilder().setUsernsOptions(pod())).build();
            org.junit.jupiter.api.Assertions.assertThrows(dev.jcri.errors.JcriException.class,
                    () -> UserNamespaceRules.checkPod(SC, ns));
        }
        invalid(SC + "namespace_options.network", () -> UserNamespaceRules.checkPod(SC,
                Api.NamespaceOption.newBuilder().setNetwork(Api.NamespaceMode.NODE).setUsernsOptions(pod()).build()));
    }

    @Test
    void aContainerHasItsPodsUserNamespaceOrSaysNothing() throws Exception {
        Api.NamespaceOption podNs = Api.NamespaceOption.newBuilder().setUsernsOptions(pod()).build();
        UserNamespaceRules.checkContainer(SC, podNs, podNs);
        UserNamespaceRules.checkContainer(SC, Api.NamespaceOption.getDefaultInstance(), podNs);
        Api.NamespaceOption node = Api.NamespaceOption.newBuilder().setUsernsOptions(Api.UserNamespace.newBuilder()
                .setMode(Api.NamespaceMode.NODE)).build();
        invalid(F, () -> UserNamespaceRules.checkContainer(SC, node, podNs));
        invalid(F, () -> UserNamespaceRules.checkContainer(SC, podNs, Api.NamespaceOption.getDefaultInstance()));
        UserNamespaceRules.checkContainer(SC, node, Api.NamespaceOption.getDefaultInstance());
        Api.NamespaceOption other = Api.NamespaceOption.newBuilder().setUsernsOptions(pod().clearUids()
                .addUids(map(0, 1 << 24, 65536))).build();
        invalid(F, () -> UserNamespaceRules.checkContainer(SC, other, podNs));
    }
}
