package dev.jcri.server.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.jcri.errors.JcriException;
import dev.jcri.json.Json;
import dev.jcri.sandbox.cgroup.CgroupDriver;
import dev.jcri.sandbox.RuntimeBinaries;
import dev.jcri.sandbox.container.ContainerPaths;
import dev.jcri.sandbox.container.ContainerRuntime;
import dev.jcri.sandbox.container.ContainerRuntimes;
import dev.jcri.sandbox.pod.PodNetwork;
import dev.jcri.sandbox.spec.HostFeatures;
import dev.jcri.sandbox.validate.RuntimeConfigRules;
import dev.jcri.server.BuildInfo;
import dev.jcri.server.config.JcriConfig;
import dev.jcri.server.config.Settings;
import dev.jcri.server.grpc.ServiceBinder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import runtime.v1.Api;
import runtime.v1.RuntimeServiceGrpc;

/**
 * Version, Status, RuntimeConfig and UpdateRuntimeConfig: what the runtime is and whether it is
 * ready. Status is polled by kubelet every few seconds, so it only reads cheap facts.
 */
public final class RuntimeInfoRpcs {

    /** The CRI version string kubelet expects in VersionResponse.version. */
    private static final String KUBELET_API_VERSION = "0.1.0";

    private final JcriConfig config;
    private final CgroupDriver cgroupDriver;
    /** What RuntimeReady requires: the default handler's OCI runtime and conmon. */
    private final List<String> requiredBinaries;
    private final PodNetwork network;
    /**
     * What each handler can do, as its runtime reported at start (the answer does not change).
     * Probed beside the start-up (user namespaces need a trial mount): the daemon answers before
     * it is known, and the first Status waits for it.
     */
    private final CompletableFuture<List<Api.RuntimeHandler>> handlers;
    private final AtomicReference<String> podCidr = new AtomicReference<>("");

    public RuntimeInfoRpcs(JcriConfig config, CgroupDriver cgroupDriver, List<String> requiredBinaries, PodNetwork network,
            List<Api.RuntimeHandler> handlers) {
        this(config, cgroupDriver, requiredBinaries, network, CompletableFuture.completedFuture(List.copyOf(handlers)));
    }

    /** As above, with the handlers still being probed. */
    public RuntimeInfoRpcs(JcriConfig config, CgroupDriver cgroupDriver, List<String> requiredBinaries, PodNetwork network,
            CompletableFuture<List<Api.RuntimeHandler>> handlers) {
        this.config = config;
        this.cgroupDriver = cgroupDriver;
        this.requiredBinaries = List.copyOf(requiredBinaries);
        this.network = network;
        this.handlers = handlers.thenApply(List::copyOf);
    }

    /**
     * Status' runtime_handlers: every handler with what its runtime can do on this node, and the
     * default one once more under "" (kubelet looks pods without a RuntimeClass up by that name).
     * kubelet admits a Pod asking for recursive read-only mounts only where this says yes.
     */
    public static List<Api.RuntimeHandler> handlers(ContainerRuntimes runtimes, String defaultHandler) {
        return handlers(runtimes, defaultHandler, handler -> false);
    }

    /**
     * As {@link #handlers(ContainerRuntimes, String)}, with {@code userNamespaces} saying which
     * handlers run pods in their own user namespace on this node (kubelet sends hostUsers: false
     * pods only where this says yes).
     */
    public static List<Api.RuntimeHandler> handlers(ContainerRuntimes runtimes, String defaultHandler,
            java.util.function.Predicate<String> userNamespaces) {
        List<Api.RuntimeHandler> out = new ArrayList<>();
        ContainerRuntime fallback = runtimes.byHandler().get(defaultHandler);
        if (fallback != null) {
            out.add(handler("", fallback, userNamespaces.test(defaultHandler)));
        }
        runtimes.byHandler().forEach((name, runtime) -> out.add(handler(name, runtime, userNamespaces.test(name))));
        return out;
    }

    private static Api.RuntimeHandler handler(String name, ContainerRuntime runtime, boolean userNamespaces) {
        HostFeatures can = runtime.features().applyTo(HostFeatures.detect());
        return Api.RuntimeHandler.newBuilder().setName(name).setFeatures(Api.RuntimeHandlerFeatures.newBuilder()
                .setRecursiveReadOnlyMounts(can.recursiveReadOnlyMounts()).setUserNamespaces(userNamespaces)).build();
    }

    public void register(ServiceBinder runtime) {
        runtime.inMemory(RuntimeServiceGrpc.getVersionMethod(), this::version)
                .unary(RuntimeServiceGrpc.getStatusMethod(), this::status)
                .unary(RuntimeServiceGrpc.getRuntimeConfigMethod(), this::runtimeConfig)
                .unary(RuntimeServiceGrpc.getUpdateRuntimeConfigMethod(), this::updateRuntimeConfig);
    }

    Api.VersionResponse version(Api.VersionRequest request) {
        return Api.VersionResponse.newBuilder()
                .setVersion(KUBELET_API_VERSION)
                .setRuntimeName(BuildInfo.NAME)
                .setRuntimeVersion(BuildInfo.version())
                .setRuntimeApiVersion("v1")
                .build();
    }

    Api.StatusResponse status(Api.StatusRequest request) throws JsonProcessingException {
        Api.StatusResponse.Builder response = Api.StatusResponse.newBuilder()
                .setStatus(Api.RuntimeStatus.newBuilder()
                        .addConditions(runtimeReady())
                        .addConditions(networkReady()))
                .addAllRuntimeHandlers(handlers.join())
                // Strict is done by jcri itself (the image's /etc/group is not read), whatever the handler
                .setFeatures(Api.RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(true));
        if (request.getVerbose()) {
            Map<String, Object> effective = new LinkedHashMap<>(config.values());
            effective.put("cgroup_driver_effective", cgroupDriver.name().toLowerCase(java.util.Locale.ROOT));
            effective.putAll(containerdKeys());
            response.putInfo("config", Json.writer().writeValueAsString(effective));
            response.putInfo("configFile", config.source() == null ? "" : config.source().toString());
            response.putInfo("podCIDR", podCidr.get());
            response.putInfo("version", BuildInfo.version());
        }
        return response.build();
    }

    /**
     * The keys tools written for containerd read from {@code info.config}: critest's user namespace
     * specs take {@code stateDir}'s parent as the file system where containers' roots live and
     * probe an idmapped mount of it (without the key they probe /var/lib, which says nothing).
     * jcri's {@code stateDir} is the bundles' directory, so the parent is the state directory
     * itself, where the roots and the user-namespaced containers' idmapped views are mounted; jcri
     * advertises user namespaces only after the same kind of idmapped mount of that directory
     * worked ({@code UserNamespaceSupport}).
     */
    private Map<String, Object> containerdKeys() {
        return Map.of("stateDir", new ContainerPaths(config.path(Settings.STATE)).bundles().toString(),
                "rootDir", config.path(Settings.ROOT).toString());
    }

    private Api.RuntimeCondition runtimeReady() {
        Api.RuntimeCondition.Builder c = Api.RuntimeCondition.newBuilder().setType("RuntimeReady");
        for (String binary : requiredBinaries) {
            if (RuntimeBinaries.find(binary).isEmpty()) {
                return c.setStatus(false).setReason("RuntimeBinaryMissing")
                        .setMessage(binary + " not found on PATH; install it (bin/run installs runc, crun and conmon)")
                        .build();
            }
        }
        return c.setStatus(true).build();
    }

    private Api.RuntimeCondition networkReady() {
        PodNetwork.Readiness readiness = network.readiness();
        return Api.RuntimeCondition.newBuilder().setType("NetworkReady").setStatus(readiness.ready())
                .setReason(readiness.reason()).setMessage(readiness.message()).build();
    }

    Api.RuntimeConfigResponse runtimeConfig(Api.RuntimeConfigRequest request) {
        Api.CgroupDriver driver = cgroupDriver == CgroupDriver.SYSTEMD ? Api.CgroupDriver.SYSTEMD : Api.CgroupDriver.CGROUPFS;
        return Api.RuntimeConfigResponse.newBuilder()
                .setLinux(Api.LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(driver))
                .build();
    }

    Api.UpdateRuntimeConfigResponse updateRuntimeConfig(Api.UpdateRuntimeConfigRequest request) throws JcriException {
        RuntimeConfigRules.check(request.getRuntimeConfig());
        String cidr = request.getRuntimeConfig().getNetworkConfig().getPodCidr();
        if (!cidr.isEmpty()) {
            podCidr.set(cidr);
        }
        return Api.UpdateRuntimeConfigResponse.getDefaultInstance();
    }
}
