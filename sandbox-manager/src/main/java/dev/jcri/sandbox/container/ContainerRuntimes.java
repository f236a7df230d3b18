package dev.jcri.sandbox.container;

import dev.jcri.errors.JcriException;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** The configured runtime handlers, by RuntimeClass handler name. */
public record ContainerRuntimes(Map<String, ContainerRuntime> byHandler) {

    /** Keeps the configuration's order (the default handler's place in Status). */
    public ContainerRuntimes {
        byHandler = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byHandler));
    }

    /** Every configured OCI runtime, each monitored by conmon. */
    public static ContainerRuntimes withConmon(Map<String, OciRuntime> ocis, Conmon conmon, ContainerPaths paths) {
        Map<String, ContainerRuntime> byHandler = new java.util.LinkedHashMap<>();
        ocis.forEach((handler, oci) -> byHandler.put(handler, new ConmonRuntime(oci, conmon, paths)));
        return new ContainerRuntimes(byHandler);
    }

    /** The runtime of a pod's handler, for a new container. */
    public ContainerRuntime forPod(String handler) throws JcriException {
        ContainerRuntime runtime = byHandler.get(handler);
        if (runtime == null) {
            throw JcriException.invalid("runtime handler '" + handler + "' has no runtime configured");
        }
        return runtime;
    }

    /** The runtime that runs an existing container. */
    public ContainerRuntime of(ContainerRecord record) throws JcriException {
        ContainerRuntime runtime = byHandler.get(record.runtimeHandler());
        if (runtime == null) {
            throw JcriException.failedPrecondition("runtime handler " + record.runtimeHandler() + " is no longer configured");
        }
        return runtime;
    }

    /** The runtime that ran a container, if its handler is still configured (teardown, recovery). */
    public Optional<ContainerRuntime> ofIfConfigured(ContainerRecord record) {
        return Optional.ofNullable(byHandler.get(record.runtimeHandler()));
    }

    public Collection<ContainerRuntime> all() {
        return byHandler.values();
    }
}
