package dev.jcri.sandbox.pod;

import dev.jcri.errors.JcriException;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.cgroup.PodResources;
import dev.jcri.sandbox.validate.NodeTopology;
import dev.jcri.sandbox.validate.ResourceRules;
import java.io.IOException;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.Api;

/**
 * UpdatePodSandboxResources (in-place pod resize): the pod's new resources and overhead, checked
 * like the container's, written to the pod's cgroup where jcri made that cgroup for the pod (and
 * so set its limits at RunPodSandbox); kubelet resizes the pod cgroups it made itself before it
 * calls the runtime, so there the call changes nothing. The pod's lock is held shared: the pod
 * cannot be stopped or removed meanwhile.
 */
final class PodResize {

    private static final Logger LOG = LoggerFactory.getLogger(PodResize.class);

    private final PodRegistry registry;
    private final Cgroups cgroups;

    PodResize(PodRegistry registry, Cgroups cgroups) {
        this.registry = registry;
        this.cgroups = cgroups;
    }

    void update(String idOrPrefix, Api.LinuxContainerResources overhead, Api.LinuxContainerResources resources)
            throws IOException {
        NodeTopology node = NodeTopology.current();
        ResourceRules.check("overhead.", overhead, node); // before anything changes
        ResourceRules.check("resources.", resources, node);
        String id = registry.find(idOrPrefix).id();
        Lock lock = registry.lockOf(id).readLock();
        lock.lock();
        try {
            PodRecord pod = registry.current(id).orElseThrow(() -> JcriException.notFound("pod sandbox", idOrPrefix));
            if (pod.state() != PodState.READY) {
                throw JcriException.failedPrecondition("pod sandbox " + id + " is not ready (" + pod.state() + ")");
            }
            Api.LinuxPodSandboxConfig linux = PodRegistry.config(pod).getLinux();
            Api.LinuxPodSandboxConfig resized = linux.toBuilder().setOverhead(overhead).setResources(resources).build();
            boolean written = cgroups.updatePodCgroup(id, linux.getCgroupParent(), PodResources.limits(resized));
            LOG.info("pod {} resized ({})", id, written ? "its cgroup's limits written" : "its cgroup is kubelet's");
        } finally {
            lock.unlock();
        }
    }
}
