package dev.jcri.sandbox.pod;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.cgroup.Cgroups;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import runtime.v1.Api;

/**
 * Pod sandboxes, one class per verb behind this entry point: {@link PodCreator} (RunPodSandbox),
 * {@link PodTeardown} (Stop, Remove, and the one release of every pod) and {@link PodRecovery};
 * they share the {@link PodRegistry}. A pod without a shared PID namespace has no process of its
 * own: its network, IPC and UTS namespaces are pinned by bind mounts, so a sandbox costs a few
 * kernel objects and files, not a pause container and its shim.
 */
public final class PodSandboxManager {

    private final PodRegistry registry;
    private final PodNetwork network;
    private final Cgroups cgroups;
    private final PodCreator creator;
    private final PodTeardown teardown;
    private final PodRecovery recovery;
    private final PodResize resize;

    /**
     * @param containers the containers side, built before (on the same {@link PodRegistry}): a pod's
     *                   stop and removal stop and remove its containers
     * @param meters     where RunPodSandbox's step times go
     */
    public PodSandboxManager(PodRegistry registry, PodNetwork network, Cgroups cgroups, Set<String> runtimeHandlers,
            String defaultHandler, PodContainers containers, MeterRegistry meters) {
        this.registry = registry;
        this.network = network;
        this.cgroups = cgroups;
        this.teardown = new PodTeardown(registry, network, cgroups, containers);
        this.creator = new PodCreator(registry, teardown, network, cgroups, runtimeHandlers, defaultHandler, meters, containers);
        this.recovery = new PodRecovery(registry, teardown, network, cgroups);
        this.resize = new PodResize(registry, cgroups);
    }

    public PodNetwork network() {
        return network;
    }

    // ---------------------------------------------------------------- verbs

    /** RunPodSandbox: see {@link PodCreator#run}. */
    public String run(Api.PodSandboxConfig config, String runtimeHandler) throws IOException {
        return creator.run(config, runtimeHandler);
    }

    /** StopPodSandbox; stopping an unknown sandbox succeeds. */
    public void stop(String idOrPrefix) throws IOException {
        teardown.stop(idOrPrefix);
    }

    /** RemovePodSandbox, stopping it first; removing an unknown sandbox succeeds. */
    public void remove(String idOrPrefix) throws IOException {
        teardown.remove(idOrPrefix);
    }

    /** UpdatePodSandboxResources: see {@link PodResize}. */
    public void updateResources(String idOrPrefix, Api.LinuxContainerResources overhead,
            Api.LinuxContainerResources resources) throws IOException {
        resize.update(idOrPrefix, overhead, resources);
    }

    /** After a (re)start: see {@link PodRecovery}. */
    public void recover() throws IOException {
        recovery.recover();
    }

    // ---------------------------------------------------------------- queries

    public Optional<PodRecord> findIfExists(String idOrPrefix) throws JcriException {
        return registry.findIfExists(idOrPrefix);
    }

    public PodRecord find(String idOrPrefix) throws JcriException {
        return registry.find(idOrPrefix);
    }

    public List<PodRecord> list() {
        return registry.list();
    }

    /** The cgroup directories jcri created that the pod holds (shared with other pods or its own). */
    public List<String> cgroupsHeld(String id) {
        return cgroups.heldBy(id);
    }

    public PodPaths paths(String id) {
        return registry.paths(id);
    }

    public static Api.PodSandboxConfig config(PodRecord record) {
        return PodRegistry.config(record);
    }
}
