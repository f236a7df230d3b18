package dev.jcri.conformance.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the host holds of the chaos run at one moment, read by {@link HostProbe}: the raw material
 * of the checks after each restart (is every object's state true, is anything half-made) and of
 * the final comparison with the snapshot taken before the first kill.
 *
 * @param mounts            mount points under the work directory
 * @param processes         processes of the run (see {@link HostProbe#processes})
 * @param cgroups           cgroup directories under the run's cgroup parent, as "hierarchy:/relative/path"
 * @param ipam              host-local allocations of the run's network: address → owning container (pod) ID
 * @param veths             links enslaved to the run's bridge
 * @param iptables          iptables-save lines about the run's network (CNI chains and rules)
 * @param runtimeContainers the OCI runtime's containers (its list under the daemon's runtime root)
 * @param entries           names in the daemon's per-object directories ("state/pods" → pod IDs, ...)
 * @param activeSnapshots   keys (container IDs) of writable snapshots in the daemon's snapshotter
 * @param files             paths under root and state (directories end in "/"), mount points not entered
 */
record HostFacts(
        List<String> mounts,
        List<HostProcess> processes,
        List<String> cgroups,
        Map<String, String> ipam,
        Map<Integer, String> veths,
        List<String> iptables,
        List<RuntimeContainer> runtimeContainers,
        Map<String, List<String>> entries,
        List<String> activeSnapshots,
        Set<String> files) {

    /** A container the OCI runtime knows: its id, init pid and status ("created", "running", "stopped"). */
    record RuntimeContainer(String id, long pid, String status) {}

    /** The names in one of the daemon's per-object directories, e.g. "state/containers". */
    List<String> entries(String dir) {
        return entries.getOrDefault(dir, List.of());
    }

    /** The cgroups as path under the run's parent → the hierarchies it is in. */
    Map<String, List<String>> cgroupsByPath() {
        Map<String, List<String>> byPath = new TreeMap<>();
        for (String c : cgroups) {
            int colon = c.indexOf(':');
            byPath.computeIfAbsent(c.substring(colon + 1), k -> new ArrayList<>()).add(c.substring(0, colon));
        }
        return byPath;
    }

    /**
     * Every fact but the files, keyed as the checks after each restart key what they find (so a
     * thing found then and again at the end is one thing), with a description.
     */
    Map<String, String> items() {
        Map<String, String> items = new TreeMap<>();
        mounts.forEach(m -> items.put("mount " + m, "mount " + m));
        processes.forEach(p -> items.put("process " + p.pid(), "process " + p.describe()));
        cgroupsByPath().forEach((path, in) -> items.put("cgroup " + path, "cgroup <parent>" + path + " (in " + String.join(",", in) + ")"));
        ipam.forEach((ip, owner) -> items.put("ip " + ip, "address " + ip + " allocated to " + owner));
        veths.values().forEach(v -> items.put("link " + v, "link " + v + " on the bridge"));
        iptables.forEach(l -> items.put("iptables " + l, "iptables: " + l));
        runtimeContainers.forEach(c -> items.put("runtime container " + c.id(), "OCI runtime container " + c.id() + " (" + c.status() + ")"));
        activeSnapshots.forEach(k -> items.put("snapshot " + k, "writable snapshot " + k));
        return items;
    }
}
