package dev.jcri.conformance.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.Deadline;
import dev.jcri.conformance.HostState;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.NetTools;
import dev.jcri.conformance.Pods;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.TestNetwork;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import runtime.v1.Api;

/** Pods on a CNI bridge network: addresses, reachability, host ports, and release of everything. */
@ExtendWith(SharedRuntime.class)
class PodNetworkTest {

    @Test
    void networkIsReadyWithAValidCniConfig(CriClient cri, TestNetwork network) {
        Api.RuntimeCondition net = cri.runtime().status(Api.StatusRequest.getDefaultInstance()).getStatus()
                .getConditionsList().stream().filter(c -> c.getType().equals("NetworkReady")).findFirst().orElseThrow();
        assertTrue(net.getStatus(), net.getReason() + ": " + net.getMessage());
    }

    @Test
    void twoPodsGetDistinctIpsAndReachEachOther(CriClient cri, TestNetwork network, JcriProcess jcri) throws Exception {
        long allocatedBefore = network.allocatedAddresses();
        String a = Pods.run(cri, Pods.config("net-a", true, Api.NamespaceMode.CONTAINER).build());
        String b = Pods.run(cri, Pods.config("net-b", true, Api.NamespaceMode.CONTAINER).build());
        String ipA = Pods.status(cri, a).getNetwork().getIp();
        String ipB = Pods.status(cri, b).getNetwork().getIp();
        assertTrue(ipA.startsWith(network.subnetPrefix()), ipA);
        assertTrue(ipB.startsWith(network.subnetPrefix()), ipB);
        assertNotEquals(ipA, ipB);
        assertEquals(allocatedBefore + 2, network.allocatedAddresses());

        Path nsA = NetTools.netns(cri, a);
        Path nsB = NetTools.netns(cri, b);
        assertTrue(NetTools.run(nsA, "ip", "-o", "link", "show", "lo").output().contains("UP"), "lo is up in the pod");

        Process server = NetTools.listen(nsA, 8080);
        Deadline.await("the server in pod A to listen", Duration.ofSeconds(10),
                () -> probe(nsA, "ss -ltn | grep -q ':8080 '"));
        NetTools.send(nsB, ipA, 8080, "hello-from-b");
        assertTrue(NetTools.output(server).contains("hello-from-b"));

        Pods.stopAndRemove(cri, a);
        Pods.stopAndRemove(cri, b);
        assertEquals(allocatedBefore, network.allocatedAddresses(), "addresses released");
        assertEquals(java.util.List.of(), HostState.mountsUnder(jcri.state().resolve("pods").resolve(a)));
    }

    @Test
    void hostPortReachesThePod(CriClient cri, TestNetwork network) throws Exception {
        int hostPort = 20000 + (int) (ProcessHandle.current().pid() % 10000);
        Api.PodSandboxConfig config = Pods.config("hostport", true, Api.NamespaceMode.CONTAINER)
                .addPortMappings(Api.PortMapping.newBuilder().setProtocol(Api.Protocol.TCP)
                        .setContainerPort(8081).setHostPort(hostPort).setHostIp("127.0.0.1"))
                .build();
        String id = Pods.run(cri, config);
        Path ns = NetTools.netns(cri, id);
        Process server = NetTools.listen(ns, 8081);
        Deadline.await("the server in the pod to listen", Duration.ofSeconds(10), () -> probe(ns, "ss -ltn | grep -q ':8081 '"));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), hostPort), 5000);
            OutputStream out = socket.getOutputStream();
            out.write("via-host-port\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        assertTrue(NetTools.output(server).contains("via-host-port"));
        Pods.stopAndRemove(cri, id);
    }

    private static Boolean probe(Path netns, String shell) {
        try {
            return NetTools.run(netns, "/bin/sh", "-c", shell).exitCode() == 0 ? Boolean.TRUE : null;
        } catch (Exception e) {
            return null;
        }
    }
}
