package dev.jcri.server;

import dev.jcri.cni.CniNetwork;
import dev.jcri.cni.CniOptions;
import dev.jcri.image.ImageService;
import dev.jcri.sandbox.RuntimeBinaries;
import dev.jcri.image.registry.RegistryConfig;
import dev.jcri.sandbox.cgroup.CgroupDriver;
import dev.jcri.sandbox.cgroup.CgroupLayout;
import dev.jcri.sandbox.cgroup.Cgroups;
import dev.jcri.sandbox.container.Conmon;
import dev.jcri.sandbox.container.ContainerManager;
import dev.jcri.sandbox.container.ContainerPaths;
import dev.jcri.sandbox.container.ContainerRuntimes;
import dev.jcri.sandbox.container.RuntimeHandlers;
import dev.jcri.sandbox.pod.PodRegistry;
import dev.jcri.sandbox.pod.PodSandboxManager;
import dev.jcri.sandbox.stats.StatsCollector;
import dev.jcri.server.config.JcriConfig;
import dev.jcri.server.config.ListenAddress;
import dev.jcri.server.config.RegistrySettings;
import dev.jcri.server.config.Settings;
import dev.jcri.server.grpc.CallObserver;
import dev.jcri.server.grpc.ServiceBinder;
import dev.jcri.server.grpc.UnixSocketServer;
import dev.jcri.server.metrics.MetricsEndpoint;
import dev.jcri.server.metrics.RuntimeMetrics;
import dev.jcri.server.network.CniPodNetwork;
import dev.jcri.server.rpc.ContainerImages;
import dev.jcri.server.rpc.ContainerRpcs;
import dev.jcri.server.rpc.EventRpcs;
import dev.jcri.server.rpc.ImageRpcs;
import dev.jcri.server.rpc.PodSandboxRpcs;
import dev.jcri.server.rpc.RuntimeInfoRpcs;
import dev.jcri.server.rpc.StatsRpcs;
import dev.jcri.server.rpc.StreamingRpcs;
import dev.jcri.server.streaming.StreamingServer;
import dev.jcri.sandbox.stream.ContainerStreams;
import dev.jcri.snapshot.OverlaySnapshotter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import runtime.v1.ImageServiceGrpc;
import runtime.v1.RuntimeServiceGrpc;

/**
 * Composes the daemon from its parts: directories, metrics, the CRI services (each group of RPCs
 * registers its own methods), the socket server and the metrics endpoint.
 */
public final class Daemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final JcriConfig config;
    private final UnixSocketServer server;
    private final MetricsEndpoint metrics;
    private final ImageService images;
    private final StreamingServer streaming;
    private final CniPodNetwork podNetwork;

    private Daemon(JcriConfig config, UnixSocketServer server, MetricsEndpoint metrics, ImageService images,
            StreamingServer streaming, CniPodNetwork podNetwork) {
        this.config = config;
        this.server = server;
        this.metrics = metrics;
        this.images = images;
        this.streaming = streaming;
        this.podNetwork = podNetwork;
    }

    public static Daemon start(JcriConfig config) throws IOException {
        return start(config, status -> { });
    }

    /** As {@link #start(JcriConfig)}, telling {@code status} what it is doing (systemd's STATUS= line). */
    public static Daemon start(JcriConfig config, java.util.function.Consumer<String> status) throws IOException {
        StateDirectories.secure(config.path(Settings.ROOT), config.path(Settings.STATE), config.path(Settings.SOCKET));

        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);

        CgroupDriver cgroupDriver = CgroupDriver.fromConfig(config.get(Settings.CGROUP_DRIVER));
        ServiceBinder runtimeService = new ServiceBinder(RuntimeServiceGrpc.getServiceDescriptor());
        ServiceBinder imageService = new ServiceBinder(ImageServiceGrpc.getServiceDescriptor());
        CniPodNetwork podNetwork = new CniPodNetwork(new CniNetwork(cniOptions(config)));
        String defaultHandler = config.get(Settings.RUNTIME_DEFAULT_HANDLER);
        if (!config.get(Settings.RUNTIME_HANDLERS).containsKey(defaultHandler)) {
            throw new StartupException("runtime.default_handler \"" + defaultHandler + "\" is not in runtime.handlers "
                    + config.get(Settings.RUNTIME_HANDLERS).keySet());
        }
        CgroupLayout cgroupLayout = CgroupLayout.detect();
        LOG.info("cgroups: {}", cgroupLayout);
        Cgroups cgroups = Cgroups.open(cgroupLayout, cgroupDriver, config.path(Settings.STATE).resolve("cgroups"));
        Path root = config.path(Settings.ROOT);
        Path state = config.path(Settings.STATE);
        // One snapshotter for the whole daemon: images commit layers to it, containers build on them.
        OverlaySnapshotter snapshots = OverlaySnapshotter.open(root.resolve("snapshots"));
        RegistryConfig registryConfig;
        try {
            registryConfig = RegistrySettings.toRegistryConfig(config);
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
        ImageService images = ImageService.open(root.resolve("images"), snapshots.root(), registryConfig, snapshots, registry);
        Conmon conmon = new Conmon(RuntimeBinaries.find(config.get(Settings.RUNTIME_CONMON)).orElseThrow(() ->
                new StartupException("conmon (" + config.get(Settings.RUNTIME_CONMON) + ") not found: install it (Debian package conmon)")));
        ContainerPaths containerPaths = new ContainerPaths(state);
        ContainerRuntimes runtimes = ContainerRuntimes.withConmon(
                RuntimeHandlers.open(config.get(Settings.RUNTIME_HANDLERS), state, cgroups), conmon, containerPaths);
        // the containers side first: the pods' stop and removal reach their containers through it
        PodRegistry podRegistry = new PodRegistry(root, state);
        ContainerManager containers = new ContainerManager(root, containerPaths, podRegistry, snapshots, runtimes, cgroups,
                config.get(Settings.CDI_SPEC_DIRS).stream().map(Path::of).toList());
        PodSandboxManager pods = new PodSandboxManager(podRegistry, podNetwork, cgroups,
                config.get(Settings.RUNTIME_HANDLERS).keySet(), defaultHandler, containers, registry);
        status.accept("recovering " + countEntries(dev.jcri.sandbox.pod.PodPaths.recordsDir(root)) + " pods");
        containers.recover();
        pods.recover();
        RuntimeMetrics.bind(registry, pods, containers);
        collectUnusedLayers(snapshots, images);

        new RuntimeInfoRpcs(config, cgroupDriver,
                List.of(config.get(Settings.RUNTIME_HANDLERS).get(defaultHandler), config.get(Settings.RUNTIME_CONMON)),
                podNetwork, CompletableFuture.supplyAsync(() -> RuntimeInfoRpcs.handlers(runtimes, defaultHandler,
                        handler -> containers.userNamespacesUnsupported(handler).isEmpty()),
                        runnable -> Thread.ofVirtual().name("handler-probe").start(runnable))).register(runtimeService);
        new PodSandboxRpcs(pods).register(runtimeService);
        ContainerImages containerImages = new ContainerImages(images);
        new ContainerRpcs(containers, containerImages, containerImages::releaseUnusedLayers)
                .register(runtimeService);
        new StatsRpcs(containers, pods, new StatsCollector(cgroups, snapshots, id -> pods.paths(id).namespacePin("net")))
                .register(runtimeService);
        new EventRpcs(containers, pods, registry).register(runtimeService);
        new ImageRpcs(images, config.get(Settings.PINNED_IMAGES), config.get(Settings.RUNTIME_HANDLERS).keySet())
                .register(imageService);
        ContainerStreams containerStreams = new ContainerStreams(containers, pods);
        StreamingServer streaming = StreamingSetup.start(config, containerStreams, registry);
        new StreamingRpcs(containerStreams, streaming).register(runtimeService);

        MetricsEndpoint metrics = null;
        String metricsAddress = config.get(Settings.METRICS_ADDRESS);
        if (!metricsAddress.isEmpty()) {
            try {
                metrics = MetricsEndpoint.start(ListenAddress.parse(metricsAddress).toSocketAddress(), registry);
            } catch (java.net.BindException e) {
                throw new StartupException("cannot listen on metrics.address " + metricsAddress + ": " + e.getMessage()
                        + " (choose another with --metrics-address, or \"\" to turn metrics off)");
            }
        }
        try {
            UnixSocketServer server = UnixSocketServer.start(config.path(Settings.SOCKET),
                    List.of(runtimeService.build(), imageService.build()), new CallObserver(registry),
                    Math.toIntExact(config.get(Settings.GRPC_MAX_MESSAGE_BYTES)),
                    union(runtimeService.inMemoryMethods(), imageService.inMemoryMethods()));
            server.onUnexpectedStop(() -> DyingThreads.fatal("the event loop serving the CRI socket stopped", null));
            LOG.info("jcri {} ready (root {}, state {}, cgroup driver {})", BuildInfo.version(),
                    config.get(Settings.ROOT), config.get(Settings.STATE), cgroupDriver.name().toLowerCase(java.util.Locale.ROOT));
            return new Daemon(config, server, metrics, images, streaming, podNetwork);
        } catch (IOException | RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            streaming.close();
            throw e;
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static CniOptions cniOptions(JcriConfig config) {
        return CniOptions.of(config.path(Settings.CNI_CONF_DIR), config.get(Settings.CNI_BIN_DIRS).stream().map(Path::of).toList(),
                config.path(Settings.ROOT).resolve("cni"), Duration.ofSeconds(config.get(Settings.CNI_PLUGIN_TIMEOUT_SECONDS)));
    }

    /** A reload's registry settings (mirrors, per-host settings) for pulls from now on. */
    void applyRegistry(JcriConfig next) {
        images.reconfigureRegistry(RegistrySettings.toRegistryConfig(next));
    }

    /** A reload's CNI directories for pod networks from now on. */
    void applyCni(JcriConfig next) {
        podNetwork.replace(new CniNetwork(cniOptions(next)));
    }

    /**
     * Layers no image references (left by a crash between committing layers and recording their
     * image) are removed at start; layers under containers' writable snapshots always stay.
     */
    private static void collectUnusedLayers(OverlaySnapshotter snapshots, ImageService images) {
        try {
            Set<String> keep = new java.util.HashSet<>();
            for (var image : images.list()) {
                if (image.topLayer() != null) {
                    keep.add(image.topLayer());
                }
            }
            List<String> removed = snapshots.removeUnreferenced(keep);
            if (!removed.isEmpty()) {
                LOG.info("removed {} layers no image uses", removed.size());
            }
        } catch (Exception e) {
            LOG.warn("layer garbage collection failed: {}", e.getMessage());
        }
    }

    private static long countEntries(Path dir) {
        try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(dir)) {
            return entries.count();
        } catch (IOException e) {
            return 0; // none yet; a real problem with the directory shows in recovery itself
        }
    }

    /**
     * What keeps the daemon from doing its job, or empty when it is healthy (the systemd watchdog
     * asks): the CRI socket serves ({@link UnixSocketServer#servingProblem}), and the record stores
     * under root and state can be read (a lost or read-only-remounted disk shows here first).
     */
    public java.util.Optional<String> healthProblem(Duration within) {
        java.util.Optional<String> serving = server.servingProblem(within);
        if (serving.isPresent()) {
            return serving;
        }
        for (Path dir : List.of(dev.jcri.sandbox.pod.PodPaths.recordsDir(config.path(Settings.ROOT)), config.path(Settings.STATE))) {
            try (java.nio.file.DirectoryStream<Path> entries = java.nio.file.Files.newDirectoryStream(dir)) {
                var _ = entries.iterator().hasNext();
            } catch (IOException | RuntimeException e) {
                if (!(e instanceof java.nio.file.NoSuchFileException) || dir.equals(config.path(Settings.STATE))) {
                    return java.util.Optional.of("cannot read " + dir + ": " + e);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** A start-up failure whose message says all an operator needs (no stack trace). */
    public static final class StartupException extends IOException {
        public StartupException(String message) {
            super(message);
        }
    }

    /** Orderly stop: no new calls, in-flight ones finish (bounded), socket removed. Containers keep running. */
    @Override
    public void close() {
        server.shutdown(Duration.ofSeconds(config.get(Settings.GRPC_SHUTDOWN_GRACE_SECONDS)));
        if (metrics != null) {
            metrics.close();
        }
        streaming.close();
        images.close();
        LOG.info("jcri stopped");
    }
}
