package dev.jcri.sandbox.stats;

import dev.jcri.linux.FileSystemSpace;
import dev.jcri.linux.NamespaceVisits;
import dev.jcri.linux.NativeCallException;
import dev.jcri.linux.OpenFiles;
import dev.jcri.linux.Namespaces;
import dev.jcri.linux.ProcFiles;
import dev.jcri.sandbox.cgroup.CgroupStats;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.cgroup.Reading;
import dev.jcri.sandbox.container.ContainerRecord;
import dev.jcri.sandbox.container.ContainerState;
import dev.jcri.sandbox.pod.PodRecord;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.pod.PodState;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.snapshot.OverlaySnapshotter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readings of containers and pods for the stats and metrics calls, from the records the managers
 * keep (taken as inputs, so the managers' own locks are never held while files are read).
 *
 * <p>Cheap, because kubelet asks for every pod and container every ten seconds: one pass over the
 * cgroup files an object needs ({@link Cgroups#stats}, each file once), the writable layer's last
 * measurement from the snapshotter (never a walk here), and the interface counters of every pod of
 * one call read by one short-lived thread that visits their network namespaces in turn.
 *
 * <p>The metrics calls read more of each container ({@link #metrics}): the cgroup's detail
 * counters and block I/O, its processes' open descriptors (a readlink each under
 * {@code /proc/PID/fd}, capped: see {@link #MAX_DESCRIPTORS}), and one statvfs of the writable
 * layers' file system per call.
 *
 * <p>Never fails for an object that changes meanwhile: a cgroup that vanishes gives a partial
 * reading, a namespace that cannot be entered gives no network reading; the object is still reported.
 */
public final class StatsCollector {

    private static final Logger LOG = LoggerFactory.getLogger(StatsCollector.class);
    private static final Path NET_DEV = Path.of("/proc/thread-self/net/dev");
    /** A visit to a namespace is a setns and one small read; a batch slower than this is abandoned, not waited for. */
    private static final Duration NETWORK_TIMEOUT = Duration.ofSeconds(5);
    private static final Path PROC = Path.of("/proc");
    /** Processes of one container whose descriptors are counted; more are left out (the counts become lower bounds). */
    public static final int MAX_PROCESSES = 1024;
    /**
     * Descriptors looked at per container and call: a process may hold a million, each costs a
     * readlink (measured: 19 500 descriptors of one process in 60 ms warm, 200 ms cold, so about
     * 50 ms at the cap), and kubelet asks every 10 to 15 s. Past the cap the counts are lower bounds.
     */
    public static final int MAX_DESCRIPTORS = 16_384;

    private final Cgroups cgroups;
    private final OverlaySnapshotter snapshots;
    private final Function<String, Path> netnsPin;
    private final Set<Reading> readings;
    private final Set<Reading> metricsReadings;
    private final CpuRates containerRates = new CpuRates();
    private final CpuRates podRates = new CpuRates();

    /**
     * @param netnsPin where a pod's network namespace is pinned, by pod ID
     */
    public StatsCollector(Cgroups cgroups, OverlaySnapshotter snapshots, Function<String, Path> netnsPin) {
        this.cgroups = cgroups;
        this.snapshots = snapshots;
        this.netnsPin = netnsPin;
        // PSI exists per cgroup only on v2, and IO is read only for its pressure (CRI's IoUsage holds nothing else)
        this.readings = cgroups.layout().isUnified()
                ? EnumSet.of(Reading.CPU, Reading.MEMORY, Reading.SWAP, Reading.PIDS, Reading.PRESSURE, Reading.IO)
                : EnumSet.of(Reading.CPU, Reading.MEMORY, Reading.SWAP, Reading.PIDS);
        // cAdvisor's metrics add the detail counters and block I/O bytes and operations per device
        this.metricsReadings = EnumSet.copyOf(readings);
        this.metricsReadings.addAll(EnumSet.of(Reading.DETAIL, Reading.IO));
    }

    /** The filesystem of the writable layers (ContainerStats' fs_id). */
    public Path writableLayerMountpoint() {
        return snapshots.root();
    }

    /** Containers a stats call reports: those with a cgroup (an exited container's is gone). */
    public static boolean hasStats(ContainerRecord c) {
        return c.state() != ContainerState.EXITED;
    }

    /** A container's reading; {@code pod} may be null when it was removed meanwhile (no cgroup path then). */
    public ContainerReading container(PodRecord pod, ContainerRecord c) {
        return container(pod, c, false, null);
    }

    /** A stats call's reading, or with {@code metrics} the detail counters, the process walk and {@code space} too. */
    private ContainerReading container(PodRecord pod, ContainerRecord c, boolean metrics, FileSystemSpace space) {
        long timestamp = Ids.nowNanos();
        long monotonic = System.nanoTime();
        String path = pod == null ? "" : containerCgroupPath(pod, c.id());
        CgroupStats cgroup = path.isEmpty() ? empty() : cgroups.stats(path, metrics ? metricsReadings : readings);
        long nanoCores = containerRates.nanoCores(c.id(), monotonic, cgroup.cpu() == null ? -1 : cgroup.cpu().usageNanos());
        ProcessCounts processes = metrics && !path.isEmpty() ? processes(path) : null;
        return new ContainerReading(c, timestamp, cgroup, nanoCores, snapshots.cachedUsage(c.id()).orElse(null), processes,
                space);
    }

    /** The cgroup's processes and their descriptors, each walk capped. */
    private ProcessCounts processes(String cgroupPath) {
        List<Long> pids = cgroups.processIds(cgroupPath, MAX_PROCESSES + 1);
        boolean tooMany = pids.size() > MAX_PROCESSES;
        List<Long> counted = tooMany ? pids.subList(0, MAX_PROCESSES) : pids;
        OpenFiles.Count fds = OpenFiles.count(PROC, counted, MAX_DESCRIPTORS);
        if ((tooMany || fds.capped()) && LOG.isDebugEnabled()) {
            LOG.debug("descriptors of {} counted up to the cap ({} processes, {} descriptors)", cgroupPath,
                    MAX_PROCESSES, MAX_DESCRIPTORS);
        }
        return new ProcessCounts(counted.size(), fds.descriptors(), fds.sockets(), tooMany || fds.capped());
    }

    /**
     * Readings of {@code pods} with their containers (those of {@code containers} that belong to
     * each and {@link #hasStats}). Interface counters are read for ready pods with a network
     * namespace of their own.
     */
    public List<PodReading> pods(List<PodRecord> pods, List<ContainerRecord> containers) {
        return read(pods, containers, false, null);
    }

    /**
     * As {@link #pods}, with what cAdvisor's metrics need beyond the stats: the cgroups' detail
     * counters and block I/O, each container's processes and open descriptors, and the size of
     * the writable layers' file system (one statvfs for the call: they all live under the
     * snapshotter's root).
     */
    public List<PodReading> metrics(List<PodRecord> pods, List<ContainerRecord> containers) {
        FileSystemSpace space = null;
        try {
            space = FileSystemSpace.of(snapshots.root());
        } catch (NativeCallException e) {
            LOG.debug("no size of {}: {}", snapshots.root(), e.getMessage());
        }
        return read(pods, containers, true, space);
    }

    /** {@code space}: for a metrics call, the writable layers' file system (null when it could not be read). */
    private List<PodReading> read(List<PodRecord> pods, List<ContainerRecord> containers, boolean metrics,
                                  FileSystemSpace space) {
        Map<String, NetworkReading> network = network(pods);
        Map<String, List<ContainerRecord>> byPod = new LinkedHashMap<>();
        for (ContainerRecord c : containers) {
            if (hasStats(c)) {
                byPod.computeIfAbsent(c.podId(), k -> new ArrayList<>()).add(c);
            }
        }
        List<PodReading> out = new ArrayList<>(pods.size());
        for (PodRecord pod : pods) {
            List<ContainerReading> inside = byPod.getOrDefault(pod.id(), List.of()).stream()
                    .map(c -> container(pod, c, metrics, space)).toList();
            long timestamp = Ids.nowNanos();
            long monotonic = System.nanoTime();
            String path = podCgroupPath(pod);
            CgroupStats cgroup = path.isEmpty() ? CgroupSums.of(inside.stream().map(ContainerReading::cgroup).toList())
                    : cgroups.stats(path, metrics ? metricsReadings : readings);
            long nanoCores = podRates.nanoCores(pod.id(), monotonic, cgroup.cpu() == null ? -1 : cgroup.cpu().usageNanos());
            out.add(new PodReading(pod, timestamp, cgroup, nanoCores, network.get(pod.id()), inside));
        }
        return out;
    }

    /** Forgets the CPU samples of pods and containers that are gone (pass every live ID, not a filtered list). */
    public void retainOnly(Set<String> livePods, Set<String> liveContainers) {
        podRates.retainOnly(livePods);
        containerRates.retainOnly(liveContainers);
    }

    /** Interface counters of the ready pods with their own network namespace, read in one visit. */
    private Map<String, NetworkReading> network(List<PodRecord> pods) {
        Map<String, Path> pins = new LinkedHashMap<>();
        for (PodRecord pod : pods) {
            Path pin = netnsPin.apply(pod.id());
            if (pod.state() == PodState.READY && pod.sharedNamespaces().contains("net") && Files.exists(pin)) {
                pins.put(pod.id(), pin);
            }
        }
        Map<String, NetworkReading> out = new LinkedHashMap<>();
        try {
            NamespaceVisits.visit(pins, Namespaces.CLONE_NEWNET,
                    () -> new NetworkReading(Ids.nowNanos(), NetDev.parse(ProcFiles.read(NET_DEV))), NETWORK_TIMEOUT)
                    .forEach((id, outcome) -> {
                        if (outcome.ok()) {
                            out.put(id, outcome.value());
                        } else {
                            LOG.debug("no network stats for pod {}: {}", id, outcome.failure().getMessage());
                        }
                    });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** The pod's own cgroup, "" when it names no cgroup_parent (or one this driver cannot read). */
    private String podCgroupPath(PodRecord pod) {
        try {
            return cgroups.manager().podPath(cgroupParent(pod));
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private String containerCgroupPath(PodRecord pod, String containerId) {
        try {
            return cgroups.manager().containerPath(cgroupParent(pod), containerId);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String cgroupParent(PodRecord pod) {
        return PodSandboxManager.config(pod).getLinux().getCgroupParent();
    }

    private static CgroupStats empty() {
        return new CgroupStats(null, null, null, List.of(), null, null);
    }
}
