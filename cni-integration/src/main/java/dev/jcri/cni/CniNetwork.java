package dev.jcri.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.concurrent.Concurrently;
import dev.jcri.concurrent.KeyedLocks;
import dev.jcri.json.Json;
import dev.jcri.linux.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod networking through CNI: the one entry point of this module.
 *
 * <ul>
 *   <li>{@link #status()} for the CRI NetworkReady condition (cheap: a directory listing and a
 *       stat per plugin; VERSION answers are cached per binary);</li>
 *   <li>{@link #setUp} on RunPodSandbox: the {@code loopback} plugin on "lo" (as containerd does),
 *       then the configured network on the pod interface; a failure rolls everything back;</li>
 *   <li>{@link #tearDown} on StopPodSandbox: DEL of every cached attachment with the config and
 *       arguments ADD used; idempotent, also after a failed ADD, a restart or a config change;</li>
 *   <li>{@link #check}, {@link #attachments()} for orphan cleanup after a restart.</li>
 * </ul>
 *
 * Thread-safe: calls for different pods run in parallel; calls for one pod are serialised.
 */
public final class CniNetwork {
    private static final Logger log = LoggerFactory.getLogger(CniNetwork.class);
    /** libcni's rule for container ids and interface names (they go into cache file names). */
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");
    static final String LOOPBACK_NETWORK = "cni-loopback";
    static final String LOOPBACK_IF = "lo";

    private final CniOptions options;
    private final ConfigDirectory configDir;
    private final PluginLocator locator;
    private final ChainRunner chain;
    private final ResultCache cache;
    private final KeyedLocks<String> locks = new KeyedLocks<>();
    private final NetworkConfigList loopback;
    /** "binary|mtime|size|configVersion" → "" when supported, else the problem. */
    private final Map<String, String> versionChecks = new ConcurrentHashMap<>();

    public CniNetwork(CniOptions options) {
        this(options, System.getenv());
    }

    /** For tests: an explicit inherited environment. */
    CniNetwork(CniOptions options, Map<String, String> inheritedEnv) {
        if (!ID.matcher(options.ifName()).matches() || options.ifName().length() > 15) {
            throw new IllegalArgumentException("invalid CNI interface name: " + options.ifName());
        }
        this.options = options;
        this.configDir = new ConfigDirectory(options.confDir());
        this.locator = new PluginLocator(options.binDirs());
        this.chain = new ChainRunner(new PluginInvoker(locator, options.pluginTimeout(), inheritedEnv));
        this.cache = new ResultCache(options.cacheDir());
        this.loopback = loopbackNetwork();
    }

    public CniOptions options() {
        return options;
    }

    // ---------------------------------------------------------------- status

    /** NetworkReady: a valid config whose plugins (and the loopback plugin) are installed and support its version. */
    public NetworkStatus status() {
        ConfigDirectory.Loaded loaded = configDir.current();
        if (loaded.network() == null) {
            return NetworkStatus.notReady(loaded.problem());
        }
        String problem = pluginProblem(loaded.network());
        if (problem == null) {
            problem = pluginProblem(loopback);
        }
        if (problem == null) {
            try {
                chain.status(loaded.network());
            } catch (IOException e) {
                problem = "network " + loaded.network().name() + " is not available: " + e.getMessage();
            }
        }
        return problem == null ? NetworkStatus.ok() : NetworkStatus.notReady(problem);
    }

    /** The network pods join now, if a valid config exists. */
    public Optional<String> networkName() {
        return Optional.ofNullable(configDir.current().network()).map(NetworkConfigList::name);
    }

    private String pluginProblem(NetworkConfigList net) {
        for (NetworkConfigList.Plugin p : net.plugins()) {
            Optional<Path> bin = locator.find(p.type());
            if (bin.isEmpty()) {
                return "CNI plugin '" + p.type() + "' of network " + net.name()
                        + (net.source() == null ? "" : " (" + net.source() + ")") + " not found in " + locator.dirs();
            }
            String key;
            try {
                key = bin.get() + "|" + Files.getLastModifiedTime(bin.get()) + "|" + Files.size(bin.get()) + "|"
                        + net.cniVersion();
            } catch (IOException e) {
                return "CNI plugin " + bin.get() + ": " + e.getMessage();
            }
            String cached = versionChecks.get(key);
            if (cached == null) {
                try {
                    List<String> supported = chain.supportedVersions(p.type(), net.cniVersion());
                    cached = supported.contains(net.cniVersion()) ? ""
                            : "CNI plugin " + bin.get() + " does not support cniVersion " + net.cniVersion()
                            + " of network " + net.name() + " (supports " + supported + ")";
                    versionChecks.put(key, cached); // only answers are cached; a failed VERSION is retried
                } catch (IOException e) {
                    return "CNI plugin " + bin.get() + " failed VERSION: " + e.getMessage();
                }
            }
            if (!cached.isEmpty()) {
                return cached;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- ADD

    /**
     * CNI ADD: loopback, then the pod network. On failure every attachment made so far is deleted
     * (DEL is run even for the plugin that failed, which may have half-configured things) and the
     * original error is thrown, with rollback failures attached as suppressed.
     *
     * @throws CniException when the network is not ready or a plugin fails (its msg in the message)
     * @throws IllegalArgumentException for invalid input (ids, bandwidth annotations)
     */
    public PodNetwork setUp(PodNetworkRequest request) throws IOException {
        String id = validId(request.containerId());
        if (request.netns() == null) {
            throw new IllegalArgumentException("CNI ADD needs the pod's network namespace");
        }
        String cniArgs = PluginEnvironment.cniArgs(request.podNamespace(), request.podName(), id, request.podUid());
        ObjectNode caps = CapabilityArgs.from(request);
        try (var _ = locks.lock(id)) {
            NetworkStatus st = status();
            if (!st.ready()) {
                throw new CniException("network plugin not ready: " + st.message());
            }
            NetworkConfigList net = configDir.current().network();
            if (net == null) {
                throw new CniException("network plugin not ready: " + configDir.current().problem());
            }
            List<ResultCache.Entry> existing = cache.forContainer(id);
            if (!existing.isEmpty()) {
                // A retried call (the caller timed out, or retries after a crash). Completed ADDs into the
                // same namespace are the answer; a second ADD would collide with the existing eth0 and its
                // rollback would tear the working network down. Anything partial is cleaned up first.
                Optional<PodNetwork> done = fromCache(existing, request.netns().toString());
                if (done.isPresent()) {
                    log.info("CNI ADD for {}: already set up, returning the cached result", id);
                    return done.get();
                }
                log.info("CNI ADD for {}: deleting what an earlier attempt left", id);
                deleteAll(request);
            }
            try {
                attach(loopback, LOOPBACK_IF, request, cniArgs, caps);
                JsonNode raw = attach(net, options.ifName(), request, cniArgs, caps);
                CniResult result = ResultParser.parse(raw);
                List<String> ips = PodIps.select(result, options.ifName());
                return new PodNetwork(ips.isEmpty() ? "" : ips.getFirst(),
                        ips.isEmpty() ? List.of() : ips.subList(1, ips.size()), net.name(), result);
            } catch (IOException | RuntimeException e) {
                log.warn("CNI ADD for {} failed, rolling back: {}", id, e.getMessage());
                // A cancelled call (interrupt) must still roll back, else the IP stays allocated until
                // the next DEL: run the DELs uninterrupted (each bounded by the plugin timeout), then
                // restore the interrupt for the caller.
                boolean interrupted = Thread.interrupted();
                try {
                    deleteAll(request);
                } catch (IOException | RuntimeException rollback) {
                    e.addSuppressed(rollback);
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
                throw e;
            }
        }
    }

    private JsonNode attach(NetworkConfigList net, String ifName, PodNetworkRequest request, String cniArgs,
                            ObjectNode caps) throws IOException {
        ResultCache.Entry pending = new ResultCache.Entry(ResultCache.KIND, request.containerId(), net.name(), ifName,
                request.netns().toString(), request.podNamespace(), request.podName(), request.podUid(), net.raw(), caps,
                null, false);
        cache.put(pending); // before ADD: a crash mid-ADD must still leave something to DEL
        JsonNode result = chain.add(net,
                new PluginInvoker.Call("ADD", request.containerId(), request.netns().toString(), ifName, cniArgs), caps);
        cache.put(new ResultCache.Entry(ResultCache.KIND, pending.containerId(), pending.networkName(), ifName,
                pending.netns(), pending.podNamespace(), pending.podName(), pending.podUid(), net.raw(), caps, result, true));
        return result;
    }

    // ---------------------------------------------------------------- DEL

    /**
     * CNI DEL for the pod: every cached attachment is deleted with its cached config and
     * arguments (the pod network first, loopback last). Without a cache entry the current config is
     * used, as containerd does, so a lost cache still frees what plugins can find by container id.
     * Succeeds when there is nothing to delete. A missing or unpinned namespace is passed as an empty
     * CNI_NETNS, which plugins accept on DEL (they then free IPs and host-side state only).
     */
    public void tearDown(PodNetworkRequest request) throws IOException {
        validId(request.containerId());
        try (var _ = locks.lock(request.containerId())) {
            deleteAll(request);
        }
    }

    private void deleteAll(PodNetworkRequest request) throws IOException {
        String id = request.containerId();
        List<ResultCache.Entry> entries = new ArrayList<>(cache.forContainer(id));
        boolean fromCache = !entries.isEmpty();
        if (!fromCache) {
            NetworkConfigList net = configDir.current().network();
            String netns = request.netns() == null ? "" : request.netns().toString();
            if (net != null) {
                entries.add(new ResultCache.Entry(ResultCache.KIND, id, net.name(), options.ifName(), netns,
                        request.podNamespace(), request.podName(), request.podUid(), net.raw(),
                        CapabilityArgs.from(request), null, false));
            }
            entries.add(new ResultCache.Entry(ResultCache.KIND, id, LOOPBACK_NETWORK, LOOPBACK_IF, netns,
                    request.podNamespace(), request.podName(), request.podUid(), loopback.raw(),
                    Json.objectNode(), null, false));
        }
        // Pod interfaces first in the list (the reverse of ADD's order), so that their failure is the one reported.
        entries.sort(Comparator.comparing((ResultCache.Entry e) -> e.ifName().equals(LOOPBACK_IF)));
        // the namespace the request names is checked once for every network; else each entry's own
        String requested = request.netns() == null ? null : usableNetns(request.netns().toString());
        Concurrently.forEach(entries, e -> delete(e, id, requested != null ? requested : usableNetns(e.netns()), fromCache));
    }

    /**
     * DEL of one network's attachment. Networks are independent of each other (each its own
     * interface, its own IPAM), so they are deleted at the same time; the plugins of one
     * network's list stay sequential, in reverse order, as the CNI spec requires.
     */
    private void delete(ResultCache.Entry e, String id, String netns, boolean fromCache) throws IOException {
        NetworkConfigList net = ConfigParser.parseList(e.config(), null);
        String cniArgs = PluginEnvironment.cniArgs(e.podNamespace(), e.podName(), id, e.podUid());
        ObjectNode caps = e.capabilityArgs() == null ? Json.objectNode() : e.capabilityArgs();
        chain.del(net, new PluginInvoker.Call("DEL", id, netns, e.ifName(), cniArgs), caps, e.result());
        if (fromCache) {
            cache.remove(e);
        }
    }

    /**
     * The netns path to hand a DEL: the path if it is still a namespace (a /proc one, or an nsfs
     * bind mount), else "". A pin file whose mount is gone would make bridge fail with "not a
     * network namespace" and block cleanup forever; an empty CNI_NETNS is what plugins expect then.
     */
    static String usableNetns(String path) {
        if (path == null || path.isEmpty() || !Files.exists(Path.of(path))) {
            return "";
        }
        if (path.startsWith("/proc/")) {
            return path;
        }
        try {
            Path p = Path.of(path).toAbsolutePath().normalize();
            for (MountInfo m : MountInfo.readAll()) {
                if (m.mountPoint().equals(p) && ("nsfs".equals(m.fsType()) || "proc".equals(m.fsType()))) {
                    return path;
                }
            }
        } catch (IOException e) {
            return path; // can't tell: let the plugin decide
        }
        return "";
    }

    // ---------------------------------------------------------------- CHECK, cache

    /** CNI CHECK of the pod network (and loopback) with the cached results; throws when a plugin reports a problem. */
    public void check(PodNetworkRequest request) throws IOException {
        String id = validId(request.containerId());
        try (var _ = locks.lock(id)) {
            List<ResultCache.Entry> entries = cache.forContainer(id);
            if (entries.isEmpty()) {
                throw new CniException("no CNI attachment cached for " + id);
            }
            for (ResultCache.Entry e : entries) {
                if (!e.complete()) {
                    throw new CniException("CNI ADD of network " + e.networkName() + " for " + id + " did not complete");
                }
                NetworkConfigList net = ConfigParser.parseList(e.config(), null);
                String netns = request.netns() != null ? request.netns().toString() : e.netns();
                chain.check(net, new PluginInvoker.Call("CHECK", id, netns, e.ifName(),
                        PluginEnvironment.cniArgs(e.podNamespace(), e.podName(), id, e.podUid())), e.capabilityArgs(), e.result());
            }
        }
    }

    /** The pod network as recorded at ADD (e.g. for PodSandboxStatus after a daemon restart). */
    public Optional<PodNetwork> cachedNetwork(String containerId) throws IOException {
        return fromCache(cache.forContainer(validId(containerId)), null);
    }

    /**
     * The pod network from cache entries when loopback and the pod network both completed (and,
     * when {@code netns} is given, into that namespace); else empty.
     */
    private static Optional<PodNetwork> fromCache(List<ResultCache.Entry> entries, String netns) throws CniException {
        boolean loopbackDone = false;
        ResultCache.Entry pod = null;
        for (ResultCache.Entry e : entries) {
            if (!e.complete() || e.result() == null || (netns != null && !netns.equals(e.netns()))) {
                return Optional.empty();
            }
            if (e.ifName().equals(LOOPBACK_IF)) {
                loopbackDone = true;
            } else {
                pod = e;
            }
        }
        if (!loopbackDone || pod == null) {
            return Optional.empty();
        }
        CniResult result = ResultParser.parse(pod.result());
        List<String> ips = PodIps.select(result, pod.ifName());
        return Optional.of(new PodNetwork(ips.isEmpty() ? "" : ips.getFirst(),
                ips.isEmpty() ? List.of() : ips.subList(1, ips.size()), pod.networkName(), result));
    }

    /** Every cached attachment (ADD started, no successful DEL since): the input of orphan cleanup. */
    public List<CachedAttachment> attachments() throws IOException {
        List<CachedAttachment> out = new ArrayList<>();
        for (ResultCache.Entry e : cache.all()) {
            out.add(new CachedAttachment(e.containerId(), e.networkName(), e.ifName(),
                    e.netns() == null || e.netns().isEmpty() ? null : Path.of(e.netns()),
                    e.podNamespace(), e.podName(), e.podUid(), e.complete()));
        }
        return out;
    }

    /**
     * The container ids that have cached attachments (asked at start, for orphan cleanup: the
     * cache's writes a crash cut are discarded first).
     */
    public Set<String> attachedContainerIds() throws IOException {
        cache.discardCutWrites();
        Set<String> ids = new TreeSet<>();
        for (ResultCache.Entry e : cache.all()) {
            ids.add(e.containerId());
        }
        return ids;
    }

    private static String validId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("invalid container id for CNI: '" + id + "'");
        }
        return id;
    }

    private static NetworkConfigList loopbackNetwork() {
        ObjectNode raw = Json.objectNode();
        raw.put("cniVersion", "1.0.0");
        raw.put("name", LOOPBACK_NETWORK);
        raw.putArray("plugins").addObject().put("type", "loopback");
        try {
            return ConfigParser.parseList(raw, null);
        } catch (CniException e) {
            throw new IllegalStateException(e);
        }
    }
}
