package dev.jcri.conformance.fuzz;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.TestNetwork;
import java.nio.file.Path;
import java.util.Set;
import runtime.v1.Api;

/**
 * What every fuzz case may use: the private daemon under test and its client, its CNI network, the
 * pulled busybox image, a work directory for log directories and host paths, the cgroup level all
 * pods live under (created by the test, as kubelet creates /kubepods), and one ready pod (pod
 * network) that container cases create their containers in.
 *
 * @param idsSeen every pod and container ID the daemon handed out in this run (to attribute
 *                cgroups and iptables rules to this run and to nothing else on the machine)
 */
record FuzzEnv(CriClient cri, JcriProcess jcri, TestNetwork network, String image, Path work, String cgroupRoot,
               String basePodId, Api.PodSandboxConfig basePod, Set<String> idsSeen) {

    /** The base pod's log directory (container log paths are relative to it). */
    Path baseLogs() {
        return Path.of(basePod.getLogDirectory());
    }
}
