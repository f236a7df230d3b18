package dev.jcri.image;

import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.InvalidReferenceException;
import dev.jcri.image.error.LocalIo;
import dev.jcri.image.manifest.ImageConfig;
import dev.jcri.image.manifest.Platform;
import dev.jcri.image.pull.Puller;
import dev.jcri.image.ref.Digest;
import dev.jcri.image.ref.ImageReference;
import dev.jcri.image.registry.RegistryClient;
import dev.jcri.image.registry.RegistryConfig;
import dev.jcri.image.registry.RegistryCredentials;
import dev.jcri.image.store.ContentStore;
import dev.jcri.image.store.ImageRecord;
import dev.jcri.image.store.ImageStore;
import dev.jcri.image.store.LayerRefs;
import dev.jcri.snapshot.LayerStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image service: pull, look up, list and remove images, and report the image filesystem's
 * usage. Images are stored under {@code <dir>} (content store in {@code content/}, records in
 * {@code images.json}); their layers live in the shared {@link LayerStore}. Thread-safe.
 *
 * <p>Lookups ({@link #find}, {@link #remove}) accept a reference ({@code busybox},
 * {@code host:5000/app:v1}, {@code repo@sha256:...}), an image ID ({@code sha256:<hex>} or the bare
 * hex), or a unique prefix of at least 4 hex digits of an ID.
 */
public final class ImageService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImageService.class);
    private static final Pattern HEX_PREFIX = Pattern.compile("(sha256:)?[a-f0-9]{4,64}");

    private final ContentStore content;
    private final ImageStore images;
    private final LayerStore layers;
    private final LayerRefs refs = new LayerRefs();
    private final RegistryClient registry;
    private final Puller puller;
    private final Path fsMountpoint;
    private final ConfigCache configs = new ConfigCache();
    private final Map<String, LayerStore.Usage> layerUsage = new ConcurrentHashMap<>();

    private ImageService(ContentStore content, ImageStore images, LayerStore layers, RegistryConfig registryConfig,
            Platform platform, Path fsMountpoint, MeterRegistry meters) {
        this.content = content;
        this.images = images;
        this.layers = layers;
        this.registry = new RegistryClient(registryConfig);
        this.puller = new Puller(registry, content, images, layers, refs, platform, meters);
        this.fsMountpoint = fsMountpoint;
    }

    /** Registry mirrors and per-host settings from now on (a configuration reload); see {@link RegistryClient#reconfigure}. */
    public void reconfigureRegistry(RegistryConfig registryConfig) {
        registry.reconfigure(registryConfig);
    }

    /**
     * Opens the stores under {@code dir} (creating them), removes what a crash left half-done
     * (temp files, blobs no image references) and retries releasing layers no image needs.
     *
     * @param fsMountpoint the directory reported as the image filesystem (the snapshotter's root)
     */
    public static ImageService open(Path dir, Path fsMountpoint, RegistryConfig registryConfig, LayerStore layers,
            MeterRegistry meters) throws IOException {
        return open(dir, fsMountpoint, registryConfig, layers, meters, Platform.current());
    }

    public static ImageService open(Path dir, Path fsMountpoint, RegistryConfig registryConfig, LayerStore layers,
            MeterRegistry meters, Platform platform) throws IOException {
        // binds libcrypto's SHA-256 now, off the first pull's path (generating the call stubs takes a moment)
        Thread.ofVirtual().name("sha256-warmup").start(dev.jcri.linux.NativeSha256::create);
        ContentStore content = ContentStore.open(dir.resolve("content"));
        ImageStore images = ImageStore.open(dir.resolve("images.json"));
        ImageService service = new ImageService(content, images, layers, registryConfig, platform, fsMountpoint, meters);
        service.removeUnreferencedBlobs();
        service.releaseUnusedLayers();
        LOG.info("image store at {}: {} images", dir, images.list().size());
        return service;
    }

    /**
     * Pulls an image (or joins a pull of it in progress) and returns its ID ({@code sha256:...}).
     *
     * @param credentials for the image's registry (NONE for anonymous or configured credentials)
     */
    public String pull(String reference, RegistryCredentials credentials) throws ImageException, InterruptedException {
        ImageReference ref = ImageReference.parse(reference);
        return puller.pull(ref, credentials).id().toString();
    }

    /** The image a reference, ID or ID prefix names, if stored. */
    public Optional<Image> find(String reference) throws ImageException {
        Optional<Match> m = resolve(reference);
        return m.isEmpty() ? Optional.empty() : Optional.of(toImage(m.get().record()));
    }

    /** The ID of the image a reference, ID or ID prefix names, if stored; from memory (no config is read). */
    public Optional<String> idOf(String reference) throws ImageException {
        return resolve(reference).map(m -> m.record().id().toString());
    }

    /**
     * Whether {@link #find} of {@code reference} answers from memory: the name is unknown or
     * invalid, or its image's config is still parsed in the cache. Otherwise it reads the config
     * from disk. (A config evicted between this answer and the find is read from disk anyway: a
     * few KiB, most likely from the page cache.)
     */
    public boolean findsInMemory(String reference) {
        try {
            Optional<Match> m = resolve(reference);
            return m.isEmpty() || configs.get(m.get().record().id()) != null;
        } catch (InvalidReferenceException e) {
            return true;
        }
    }

    /** All images. */
    public List<Image> list() throws ImageException {
        List<Image> out = new ArrayList<>();
        for (ImageRecord r : images.list()) {
            out.add(toImage(r));
        }
        return out;
    }

    /** Images matching a filter as CRI's ListImages filter does: by reference, ID or ID prefix; "" lists all. */
    public List<Image> list(String filter) throws ImageException {
        if (filter == null || filter.isEmpty()) {
            return list();
        }
        Optional<Image> one = find(filter);
        return one.map(List::of).orElse(List.of());
    }

    /**
     * Removes an image reference. By tag: removes that tag; the image goes with its last tag. By
     * digest reference or ID: removes the image. Its layers are released unless another image still
     * uses them, or a pull or a container's snapshot builds on them (then they go later). Unknown
     * images are not an error.
     */
    public void remove(String reference) throws ImageException {
        synchronized (this) {
            Optional<Match> m = resolve(reference);
            if (m.isEmpty()) {
                return;
            }
            ImageRecord r = m.get().record();
            String tag = m.get().byTag();
            try {
                if (tag != null && r.repoTags().size() > 1) {
                    List<String> tags = new ArrayList<>(r.repoTags());
                    tags.remove(tag);
                    images.replace(r.withRepoTags(tags));
                    LOG.info("untagged {} from image {}", tag, r.id().shortHex());
                    return;
                }
                Set<Digest> stillUsedLayers = new HashSet<>();
                Set<Digest> stillUsedBlobs = new HashSet<>();
                for (ImageRecord other : images.list()) {
                    if (!other.id().equals(r.id())) {
                        stillUsedLayers.addAll(other.chainIds());
                        stillUsedBlobs.addAll(other.blobs());
                    }
                }
                List<Digest> release = new ArrayList<>(r.chainIds().reversed());
                release.removeAll(stillUsedLayers);
                images.remove(r.id(), release);
                for (Digest blob : r.blobs()) {
                    if (!stillUsedBlobs.contains(blob)) {
                        content.delete(blob);
                    }
                }
                configs.remove(r.id());
                LOG.info("removed image {} ({})", r.id().shortHex(), reference);
            } catch (IOException e) {
                throw LocalIo.failure("removing image " + reference, e);
            }
        }
        releaseUnusedLayers();
    }

    /**
     * Releases layers that no image needs and no pull holds, when the snapshotter lets them go
     * (it refuses while a container's snapshot is built on one). Called after removals and at
     * start; container code may call it after removing a container.
     */
    public void releaseUnusedLayers() {
        Set<Digest> pending = images.releasableLayers();
        if (pending.isEmpty()) {
            return;
        }
        Set<Digest> gone = new LinkedHashSet<>();
        boolean progress = true;
        while (progress) { // a parent goes only after its children: repeat while something went
            progress = false;
            for (Digest d : pending) {
                if (gone.contains(d)) {
                    continue;
                }
                synchronized (refs) {
                    if (refs.isPinned(d)) {
                        continue;
                    }
                    try {
                        if (layers.removeLayer(d.toString())) {
                            gone.add(d);
                            layerUsage.remove(d.toString());
                            progress = true;
                        }
                    } catch (IOException e) {
                        LOG.warn("cannot release layer {}: {}", d, e.toString());
                    }
                }
            }
        }
        try {
            images.released(gone);
        } catch (IOException e) {
            LOG.warn("cannot record released layers: {}", e.toString());
        }
    }

    /** Usage of the image filesystem: committed layers of stored images and the content store. */
    public FsUsage fsUsage() throws ImageException {
        try {
            Set<String> chains = new LinkedHashSet<>();
            for (ImageRecord r : images.list()) {
                r.chainIds().forEach(d -> chains.add(d.toString()));
            }
            images.releasableLayers().forEach(d -> chains.add(d.toString()));
            long bytes = 0;
            long inodes = 0;
            for (String chain : chains) {
                LayerStore.Usage u = layerUsage.get(chain);
                if (u == null) {
                    Optional<LayerStore.Usage> fresh = layers.layerUsage(chain);
                    if (fresh.isEmpty()) {
                        continue;
                    }
                    u = fresh.get();
                    layerUsage.put(chain, u); // committed layers never change
                }
                bytes += u.bytes();
                inodes += u.inodes();
            }
            ContentStore.Usage c = content.usage();
            return new FsUsage(fsMountpoint, bytes + c.bytes(), inodes + c.inodes(), Instant.now());
        } catch (IOException e) {
            throw LocalIo.failure("measuring the image filesystem", e);
        }
    }

    /** A lookup result: the record, and the tag it was found by (null when found by digest or ID). */
    private record Match(ImageRecord record, String byTag) {}

    private Optional<Match> resolve(String text) throws InvalidReferenceException {
        if (text == null || text.isBlank()) {
            throw new InvalidReferenceException("invalid image reference \"\": empty");
        }
        List<ImageRecord> all = images.list();
        if (Digest.isDigest(text)) {
            Digest d = Digest.of(text);
            for (ImageRecord r : all) {
                if (r.id().equals(d)) {
                    return Optional.of(new Match(r, null));
                }
            }
        }
        ImageReference ref = null;
        try {
            ref = ImageReference.parse(text);
        } catch (InvalidReferenceException e) {
            if (!HEX_PREFIX.matcher(text).matches()) {
                throw e;
            }
        }
        if (ref != null) {
            String name = ref.name();
            if (ref.digest() != null) {
                String repoDigest = ref.repoDigest(ref.digest());
                for (ImageRecord r : all) {
                    if (r.repoDigests().contains(repoDigest)
                            || (r.manifestDigest().equals(ref.digest()) && r.repoDigests().stream().anyMatch(x -> x.startsWith(name + "@")))) {
                        return Optional.of(new Match(r, null));
                    }
                }
            } else {
                String tag = ref.repoTag();
                for (ImageRecord r : all) {
                    if (r.repoTags().contains(tag)) {
                        return Optional.of(new Match(r, tag));
                    }
                }
            }
        }
        if (HEX_PREFIX.matcher(text).matches()) {
            String hex = text.startsWith("sha256:") ? text.substring(7) : text;
            ImageRecord found = null;
            for (ImageRecord r : all) {
                if (r.id().hex().startsWith(hex)) {
                    if (found != null) {
                        return Optional.empty(); // ambiguous prefix: not a unique name
                    }
                    found = r;
                }
            }
            return Optional.ofNullable(found).map(r -> new Match(r, null));
        }
        return Optional.empty();
    }

    private Image toImage(ImageRecord r) throws ImageException {
        ImageConfig config = configs.get(r.id());
        if (config == null) {
            byte[] bytes;
            try {
                bytes = content.read(r.id());
            } catch (IOException e) {
                throw LocalIo.failure("reading the config of image " + r.id(), e);
            }
            config = ImageConfig.parse(bytes, r.id().toString());
            configs.put(r.id(), config, bytes.length);
        }
        return new Image(r.id().toString(), r.repoTags(), r.repoDigests(), r.size(), config,
                r.chainIds().stream().map(Digest::toString).toList(), r.manifestDigest().toString(), r.pinned());
    }

    private void removeUnreferencedBlobs() throws IOException {
        Set<Digest> used = new HashSet<>();
        images.list().forEach(r -> used.addAll(r.blobs()));
        for (Digest d : content.list()) {
            if (!used.contains(d)) {
                content.delete(d);
            }
        }
    }

    @Override
    public void close() {
        registry.close();
    }
}
