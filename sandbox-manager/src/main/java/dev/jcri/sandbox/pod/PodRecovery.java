package dev.jcri.sandbox.pod;

import dev.jcri.linux.Mounts;
import dev.jcri.linux.PrivateFiles;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.Api;

/**
 * After a (re)start: loads the records, releases sandboxes a crash left half-made, finishes stops
 * a crash cut, stops sandboxes whose network namespace or infra process vanished (reboot), and
 * releases what no record owns: pod state directories and their mounts, network allocations, cgroups.
 */
final class PodRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(PodRecovery.class);

    private final PodRegistry registry;
    private final PodTeardown teardown;
    private final PodNetwork network;
    private final Cgroups cgroups;

    PodRecovery(PodRegistry registry, PodTeardown teardown, PodNetwork network, Cgroups cgroups) {
        this.registry = registry;
        this.teardown = teardown;
        this.network = network;
        this.cgroups = cgroups;
    }

    void recover() throws IOException {
        for (PodRecord record : registry.load()) {
            switch (record.state()) {
                case CREATING -> {
                    LOG.warn("pod sandbox {} was being created when jcri stopped: releasing it", Ids.shortId(record.id()));
                    try {
                        teardown.release(record, true);
                    } catch (IOException e) {
                        LOG.error("{} (kept; retried at the next start)", e.getMessage());
                    }
                }
                case STOPPING -> {
                    LOG.warn("pod sandbox {} was being stopped when jcri stopped: finishing the stop", Ids.shortId(record.id()));
                    teardown.stopLocked(record);
                }
                case READY -> {
                    if (record.sharedNamespaces().contains("net")
                            && !Mounts.isMountPoint(registry.paths(record.id()).namespacePin("net"))) {
                        LOG.warn("pod sandbox {} lost its network namespace (reboot?): stopping it", Ids.shortId(record.id()));
                        teardown.stopLocked(record);
                    } else if (record.infra() != null && !InfraProcess.isAlive(record.infra())) {
                        LOG.warn("pod sandbox {} lost its infra process: stopping it", Ids.shortId(record.id()));
                        teardown.stopLocked(record);
                    }
                }
                case STOPPED -> { }
            }
        }
        Set<String> known = registry.list().stream().map(PodRecord::id).collect(Collectors.toSet());
        sweepStateDirectories(known);
        for (String podId : network.attachedPods()) {
            if (!known.contains(podId)) {
                LOG.warn("releasing orphaned network allocation of pod {}", Ids.shortId(podId));
                network.detach(podId, registry.paths(podId).namespacePin("net"), Api.PodSandboxConfig.getDefaultInstance());
            }
        }
        cgroups.releaseAllBut(known);
        for (PodRecord record : registry.list()) {
            registry.reservations().put(record.reservationKey(), CompletableFuture.completedFuture(record.id()));
        }
    }

    /**
     * Pod directories no record owns, in the state and in the root: a removal a crash cut between
     * forgetting the record and deleting the pod's files (hostname, hosts, resolv.conf) leaves them.
     */
    private void sweepStateDirectories(Set<String> known) throws IOException {
        List<Path> dirs = new java.util.ArrayList<>();
        for (Path parent : List.of(PrivateFiles.ensureDirectory(PodPaths.volatileDir(registry.state())),
                PrivateFiles.ensureDirectory(registry.recordsDir()))) {
            try (Stream<Path> entries = Files.list(parent)) {
                dirs.addAll(entries.toList());
            }
        }
        for (Path dir : dirs) {
            // a record that could not be read stays for inspection (RecordStore logs it), with its directory
            boolean unreadableRecord = Files.exists(PodPaths.recordIn(dir));
            if (!known.contains(dir.getFileName().toString()) && !unreadableRecord) {
                LOG.warn("removing orphaned pod state {}", dir);
                PodTeardown.unmountAllUnder(dir);
                Trees.deleteUnlessMounted(dir);
            }
        }
    }
}
