package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.spec.OciSpecBuilder;
import dev.jcri.sandbox.util.Ids;
import dev.jcri.sandbox.validate.ResourceRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.Api;

/** What is done to a running container without changing its state: ExecSync, ReopenContainerLog, UpdateContainerResources. */
final class ContainerControl {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerControl.class);
    /** How long the monitor has to reopen the log file once asked. */
    private static final Duration REOPEN_TIMEOUT = Duration.ofSeconds(10);

    private final ContainerRecords records;
    private final ContainerRuntimes runtimes;
    private final ContainerPaths paths;
    private final boolean cgroupV2;

    ContainerControl(ContainerRecords records, ContainerRuntimes runtimes, ContainerPaths paths, boolean cgroupV2) {
        this.records = records;
        this.runtimes = runtimes;
        this.paths = paths;
        this.cgroupV2 = cgroupV2;
    }

    /** Runs a command in a running container, capturing at most {@code outputLimit} bytes per stream. */
    ContainerRuntime.ExecOutcome execSync(String idOrPrefix, List<String> cmd, Duration requestedTimeout, int outputLimit)
            throws IOException {
        Duration timeout = ContainerProcesses.capped(requestedTimeout);
        ContainerRecord record = running(idOrPrefix);
        if (cmd.isEmpty()) {
            throw JcriException.invalidArgument("cmd", "is empty");
        }
        String execName = "exec-" + Ids.newId().substring(0, 12);
        Path processFile = ExecProcess.write(paths.bundle(record.id()), execName + ".json", cmd);
        try {
            return runtimes.of(record).exec(record.id(), processFile, timeout, outputLimit);
        } finally {
            Files.deleteIfExists(processFile);
        }
    }

    /** Asks the monitor to reopen the log file (after kubelet rotated it) and waits until it has. */
    void reopenLog(String idOrPrefix) throws IOException {
        ContainerRecord record = running(idOrPrefix);
        runtimes.of(record).reopenLog(record.id());
        if (record.logPath() == null) {
            return;
        }
        Path log = Path.of(record.logPath());
        long deadline = System.nanoTime() + REOPEN_TIMEOUT.toNanos();
        while (!Files.exists(log)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the monitor of container " + record.id() + " did not reopen " + log + " within "
                        + REOPEN_TIMEOUT.toSeconds() + " s");
            }
            pause();
        }
        LOG.debug("container {} reopened its log", Ids.shortId(record.id()));
    }

    /** Changes the cgroup limits of a created or running container, mapped as at creation. */
    void updateResources(String idOrPrefix, Api.LinuxContainerResources resources) throws IOException {
        ResourceRules.checkUpdate(resources);
        ContainerRecord record = records.find(idOrPrefix);
        if (record.state() == ContainerState.EXITED) {
            throw JcriException.failedPrecondition("container " + record.id() + " has exited");
        }
        byte[] json = OciSpecBuilder.resourcesJson(OomScores.restrict(resources), cgroupV2);
        runtimes.of(record).update(record.id(), json);
        synchronized (records.lockOf(record.id())) {
            // the record as it is now (an exit may have been saved meanwhile): only the resources change
            ContainerRecord now = records.current(record.id()).orElse(null);
            if (now != null && now.state() != ContainerState.REMOVING) {
                Api.LinuxContainerResources applied = ResizedResources.merge(
                        ResizedResources.current(now, ContainerManager.config(now)), resources);
                records.save(now.withResources(applied.toByteArray()));
            }
        }
    }

    private ContainerRecord running(String idOrPrefix) throws JcriException {
        ContainerRecord record = records.find(idOrPrefix);
        if (record.state() != ContainerState.RUNNING) {
            throw JcriException.failedPrecondition("container " + record.id() + " is not running");
        }
        return record;
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for the log to be reopened");
        }
    }
}
