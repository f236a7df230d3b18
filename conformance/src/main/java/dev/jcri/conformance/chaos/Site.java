package dev.jcri.conformance.chaos;

import java.nio.file.Path;

/**
 * Everything the chaos run owns on the host, so every look at the host is scoped to it and other
 * tests running beside it cannot perturb the counts: one work directory (the daemon's root, state,
 * socket, logs, CNI config and IPAM files), one cgroup parent, one bridge, one CNI network name
 * and subnet.
 *
 * @param work        the run's directory
 * @param jcriDir     the daemon's directory (its root, state, socket and log are under it)
 * @param cgroupBase  the cgroup every pod's cgroup parent is under (e.g. "/jcri-chaos-1a2b"), made by the run
 * @param bridge      the CNI bridge's name
 * @param netName     the CNI network's name (in CNI's iptables comments)
 * @param subnetPrefix "10.234.X." of the network's addresses
 * @param ipamDir     host-local's allocation files of the network
 * @param handler     the OCI runtime handler pods use ("runc", "crun")
 */
record Site(Path work, Path jcriDir, String cgroupBase, String bridge, String netName, String subnetPrefix, Path ipamDir,
        String handler) {

    Path root() {
        return jcriDir.resolve("root");
    }

    Path state() {
        return jcriDir.resolve("state");
    }

    /** The OCI runtime's --root, where it keeps its containers' state. */
    Path runtimeRoot() {
        return state().resolve("runtime").resolve(handler);
    }

    Path logs() {
        return work.resolve("logs");
    }
}
