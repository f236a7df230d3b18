package dev.jcri.sandbox.container;

import dev.jcri.sandbox.util.Ids;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a (re)start: loads the records and reconciles each with reality. A create a crash cut is
 * torn down; exits that happened while jcri was down are in the monitor's exit reports; a container
 * the runtime no longer knows and that left no report (a reboot) is recorded as exited with code 255
 * ("Unknown"); what no record owns is swept.
 */
final class ContainerRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRecovery.class);

    private final ContainerRecords records;
    private final ContainerProcesses processes;
    private final ContainerTeardown teardown;
    private final ContainerRuntimes runtimes;
    private final ContainerPaths paths;

    ContainerRecovery(ContainerRecords records, ContainerProcesses processes, ContainerTeardown teardown,
            ContainerRuntimes runtimes, ContainerPaths paths) {
        this.paths = paths;
        this.records = records;
        this.processes = processes;
        this.teardown = teardown;
        this.runtimes = runtimes;
    }

    void recover(ExitWatcher exits) throws IOException {
        for (ContainerRecord record : records.load()) {
            switch (record.state()) {
                case CREATING -> {
                    LOG.warn("container {} was being created when jcri stopped: tearing it down", Ids.shortId(record.id()));
                    try {
                        teardown.tearDown(record);
                    } catch (IOException e) {
                        LOG.error("{} (kept; retried at the next start)", e.getMessage());
                    }
                }
                case REMOVING -> {
                    LOG.warn("container {} was being removed when jcri stopped: finishing it", Ids.shortId(record.id()));
                    try {
                        teardown.tearDown(record);
                    } catch (IOException e) {
                        LOG.error("{} (kept; retried at the next start)", e.getMessage());
                    }
                }
                case EXITED -> records.signalExited(record.id());
                case CREATED, RUNNING -> reconcile(record, exits);
            }
        }
        exits.rescan(processes::onExit);
        teardown.sweepOrphans();
    }

    private void reconcile(ContainerRecord record, ExitWatcher exits) throws IOException {
        Optional<Integer> code = exits.exitCode(record.id());
        if (code.isPresent()) {
            processes.onExit(record.id(), code.get());
            return;
        }
        if (record.state() == ContainerState.CREATED && CheckpointRestore.staged(paths.restoreImages(record.id()))) {
            return; // created from a checkpoint: no process until StartContainer restores it, nothing was lost
        }
        Optional<ContainerRuntime> runtime = runtimes.ofIfConfigured(record);
        if (record.state() == ContainerState.RUNNING && runtime.isPresent() && runtime.get().monitorAlive(record.id())) {
            // its monitor still watches it: it runs, or it exited a moment ago and the monitor is
            // writing the report the watcher records. No runtime process to ask (a restart with
            // hundreds of containers would fork one per container before answering kubelet).
            return;
        }
        Optional<ContainerRuntime.Status> status = runtime.isEmpty() ? Optional.empty() : runtime.get().status(record.id());
        if (status.isPresent() && status.get() == ContainerRuntime.Status.STOPPED && runtime.get().monitorAlive(record.id())) {
            return; // exited a moment ago: its monitor is writing the report, which the watcher records
        }
        if (status.isEmpty() || status.get() == ContainerRuntime.Status.STOPPED) {
            processes.recordLostExit(record.id(), "the container's state was lost (reboot?)");
        } else if (status.get() == ContainerRuntime.Status.RUNNING && record.state() == ContainerState.CREATED) {
            records.save(record.started(record.pid(), Ids.nowNanos())); // jcri died between the runtime's start and its record
        }
    }
}
