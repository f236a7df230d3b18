package dev.jcri.image.pull;

import dev.jcri.image.error.DigestMismatchException;
import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.ImageStoreException;
import dev.jcri.image.error.LocalIo;
import dev.jcri.image.error.UnsupportedImageException;
import dev.jcri.image.manifest.ChainIds;
import dev.jcri.image.manifest.Descriptor;
import dev.jcri.image.manifest.ImageConfig;
import dev.jcri.image.manifest.ImageIndex;
import dev.jcri.image.manifest.ImageManifest;
import dev.jcri.image.manifest.ManifestDocument;
import dev.jcri.image.manifest.ManifestParser;
import dev.jcri.image.manifest.MediaTypes;
import dev.jcri.image.manifest.Platform;
import dev.jcri.image.manifest.PlatformSelector;
import dev.jcri.image.ref.Digest;
import dev.jcri.image.ref.DigestVerifyingInputStream;
import dev.jcri.image.ref.ImageReference;
import dev.jcri.image.registry.BlobReadException;
import dev.jcri.image.registry.FetchedManifest;
import dev.jcri.image.registry.RegistryClient;
import dev.jcri.image.registry.RegistryCredentials;
import dev.jcri.image.registry.RepositorySession;
import dev.jcri.image.store.ContentStore;
import dev.jcri.image.store.ImageRecord;
import dev.jcri.image.store.ImageStore;
import dev.jcri.image.store.LayerRefs;
import dev.jcri.snapshot.LayerStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls an image: resolves the reference to a manifest (choosing this node's platform from an
 * index), fetches the config, downloads missing layers in parallel (bounded over all pulls, each
 * verified while it streams), applies them in order to the snapshotter, and records the image
 * last, so an image is visible only when all of it is there. Two pulls of the same reference
 * share one run; two images sharing a layer share its download.
 *
 * <p>The layers the node probably lacks ({@link LayerDiffIds}) start downloading as soon as the
 * manifest is there, beside the config's fetch, instead of one round trip to the registry later:
 * the config still decides what is applied, and a download it shows unneeded is stopped and its
 * file deleted. A download is only ever a file in the content store's ingest directory, which
 * start-up empties, so a crash leaves nothing of it either way.
 */
public final class Puller {

    private static final Logger LOG = LoggerFactory.getLogger(Puller.class);
    /** Image configs are a few KiB; CRI-O refuses more than 4 MiB too. */
    private static final long MAX_CONFIG_BYTES = 4L << 20;

    private final RegistryClient registry;
    private final ContentStore content;
    private final ImageStore images;
    private final LayerStore layers;
    private final LayerUnpacker unpacker;
    private final Semaphore downloads;
    private final Platform platform;
    private final PullMetrics metrics;
    private final SingleFlight<String, ImageRecord> pulls = new SingleFlight<>();
    private final SingleFlight<Digest, Void> layerFlights = new SingleFlight<>();
    private final LayerRefs refs;
    private final LayerDiffIds knownDiffIds = new LayerDiffIds();
    private final java.util.concurrent.atomic.AtomicBoolean storedLearned = new java.util.concurrent.atomic.AtomicBoolean();
    /** Logs the progress of running pulls (one daemon thread; the lines themselves are cheap). */
    private final ScheduledExecutorService progressTicker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pull-progress").factory());

    public Puller(RegistryClient registry, ContentStore content, ImageStore images, LayerStore layers,
            LayerRefs refs, Platform platform, MeterRegistry meters) {
        this.refs = refs;
        this.registry = registry;
        this.content = content;
        this.images = images;
        this.layers = layers;
        this.unpacker = new LayerUnpacker(layers);
        this.downloads = new Semaphore(registry.config().maxConcurrentDownloads(), true);
        this.platform = platform;
        this.metrics = new PullMetrics(meters);
    }

    /** Pulls (or joins a running pull of) {@code ref}; returns the stored image. */
    public ImageRecord pull(ImageReference ref, RegistryCredentials credentials) throws ImageException, InterruptedException {
        SingleFlight.Flight<ImageRecord> flight = pulls.run(ref.toString() + "|" + credentials.cacheKey(),
                () -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return doPull(ref, credentials);
                    } catch (ImageException e) {
                        throw new CompletionException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CompletionException(e);
                    }
                }, r -> Thread.ofVirtual().name("image-pull").start(r)));
        if (!flight.leader()) {
            LOG.info("joining the pull of {} already in progress", ref);
        }
        return await(flight.future());
    }

    private static <T> T await(CompletableFuture<T> f) throws ImageException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : e.getCause();
            if (c instanceof ImageException ie) {
                throw ie;
            }
            if (c instanceof InterruptedException ie) {
                throw ie;
            }
            LOG.error("a pull worker failed unexpectedly", c); // a bug, never a registry's doing: keep the stack
            throw new ImageStoreException("pull failed: " + c, c);
        }
    }

    private ImageRecord doPull(ImageReference ref, RegistryCredentials credentials) throws ImageException, InterruptedException {
        long start = System.nanoTime();
        LOG.info("pulling {}", ref);
        try (PullProgress progress = new PullProgress(ref.toString(), progressTicker, registry.config().progressInterval())) {
            ImageRecord record = pullOnce(ref, credentials, progress);
            long downloaded = progress.downloadedBytes();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            metrics.succeeded(took);
            double seconds = Math.max(took.toNanos() / 1e9, 1e-3);
            LOG.info("pulled {} as {}: {} layers, {} MB ({} MB downloaded) in {} s ({} MB/s)", ref, record.id().shortHex(),
                    record.chainIds().size(), mb(record.size()), mb(downloaded), String.format("%.2f", seconds),
                    String.format("%.1f", downloaded / 1e6 / seconds));
            return record;
        } catch (ImageException e) {
            metrics.failed(e.reason());
            LOG.warn("pull of {} failed: {}", ref, e.getMessage());
            throw e;
        }
    }

    private static String mb(long bytes) {
        return String.format("%.1f", bytes / 1e6);
    }

    private ImageRecord pullOnce(ImageReference ref, RegistryCredentials credentials, PullProgress progress)
            throws ImageException, InterruptedException {
        RepositorySession session = registry.open(ref, credentials);
        FetchedManifest top = session.fetchManifest(ref.manifestReference());
        Map<Digest, byte[]> blobs = new LinkedHashMap<>();
        blobs.put(top.digest(), top.bytes());
        ManifestDocument doc = ManifestParser.parse(top.bytes(), top.mediaType(), ref.toString());
        FetchedManifest platformManifest = top;
        if (doc instanceof ImageIndex index) {
            Descriptor chosen = PlatformSelector.select(index, platform, ref.toString());
            platformManifest = session.fetchManifest(chosen.digest().toString());
            if (chosen.size() != platformManifest.bytes().length) {
                throw new DigestMismatchException("manifest " + chosen.digest() + " of " + ref + " is "
                        + platformManifest.bytes().length + " bytes, the index says " + chosen.size());
            }
            blobs.put(platformManifest.digest(), platformManifest.bytes());
            doc = ManifestParser.parse(platformManifest.bytes(), platformManifest.mediaType(), ref + " (" + platform + ")");
            if (!(doc instanceof ImageManifest)) {
                throw new UnsupportedImageException("the index of " + ref + " points to another index for " + platform);
            }
        }
        ImageManifest manifest = (ImageManifest) doc;
        // the layers this node probably lacks start downloading now, beside the config's fetch: a
        // round trip to the registry less; the config decides what is applied, the rest is dropped
        Map<Integer, LayerDownload> early = startEarly(session, ref, manifest, progress);
        try {
            return pullWithConfig(session, ref, top, platformManifest, manifest, blobs, early, progress);
        } finally {
            early.values().forEach(LayerDownload::close); // those not handed to an apply: not needed, or a failure
        }
    }

    private ImageRecord pullWithConfig(RepositorySession session, ImageReference ref, FetchedManifest top,
            FetchedManifest platformManifest, ImageManifest manifest, Map<Digest, byte[]> blobs,
            Map<Integer, LayerDownload> early, PullProgress progress) throws ImageException, InterruptedException {
        byte[] configBytes = storedConfig(manifest.config().digest());
        if (configBytes == null) {
            configBytes = session.fetchBlob(manifest.config(), MAX_CONFIG_BYTES, "config of " + ref);
        }
        ImageConfig config = ImageConfig.parse(configBytes, ref.toString());
        if (config.diffIds().size() != manifest.layers().size()) {
            throw new UnsupportedImageException("image " + ref + " has " + manifest.layers().size()
                    + " layers but its config lists " + config.diffIds().size() + " diff_ids");
        }
        if (!config.os().isEmpty() && !config.os().equals(platform.os())) {
            throw new UnsupportedImageException("image " + ref + " is for " + config.os() + ", not " + platform.os());
        }
        blobs.put(manifest.config().digest(), configBytes);
        try {
            for (var e : blobs.entrySet()) {
                content.put(e.getKey(), e.getValue());
            }
        } catch (IOException e) {
            throw LocalIo.failure("storing the manifest and config of " + ref, e);
        }
        List<Digest> chain = ChainIds.of(config.diffIds());
        refs.pin(chain); // no removal may release these layers between our hasLayer checks and the record
        try {
            fetchLayers(session, ref, manifest, config.diffIds(), chain, early, progress);
            ImageRecord record = record(ref, top, platformManifest, manifest, config, chain, blobs);
            knownDiffIds.learn(manifest.layers(), config.diffIds());
            return record;
        } finally {
            refs.unpin(chain);
        }
    }

    /**
     * Starts downloading the layers the node probably lacks ({@link LayerDiffIds}), before the
     * config is there to say for sure; keyed by position in the manifest.
     */
    private Map<Integer, LayerDownload> startEarly(RepositorySession session, ImageReference ref, ImageManifest manifest,
            PullProgress progress) throws ImageException {
        learnStoredOnce();
        Map<Integer, LayerDownload> early = new java.util.HashMap<>();
        try {
            for (int i : knownDiffIds.probablyMissing(manifest.layers(), layers)) {
                early.put(i, startDownload(session, manifest.layers().get(i), layerName(ref, manifest, i), progress));
            }
        } catch (ImageException | RuntimeException e) {
            early.values().forEach(LayerDownload::close);
            throw e;
        }
        return early;
    }

    /** Teaches {@link #knownDiffIds} the layers of the images stored before this daemon started (once, at the first pull). */
    private void learnStoredOnce() {
        if (storedLearned.getAndSet(true)) {
            return;
        }
        for (ImageRecord r : images.list()) {
            try {
                if (ManifestParser.parse(content.read(r.manifestDigest()), null, r.id().toString()) instanceof ImageManifest m) {
                    knownDiffIds.learn(m.layers(), r.diffIds());
                }
            } catch (IOException | ImageException e) {
                LOG.debug("manifest of image {} unreadable: {}", r.id().shortHex(), e.toString());
            }
        }
    }

    private static String layerName(ImageReference ref, ImageManifest manifest, int i) {
        return "layer " + manifest.layers().get(i).digest() + " (" + (i + 1) + "/" + manifest.layers().size() + ") of " + ref;
    }

    private LayerDownload startDownload(RepositorySession session, Descriptor layer, String what, PullProgress progress)
            throws ImageException {
        try {
            return LayerDownload.start(content.newIngestFile(layer.digest().hex()),
                    spool -> download(session, layer, what, progress, spool), what);
        } catch (IOException e) {
            throw LocalIo.failure("creating a download file for " + what, e);
        }
    }

    private ImageRecord record(ImageReference ref, FetchedManifest top, FetchedManifest platformManifest,
            ImageManifest manifest, ImageConfig config, List<Digest> chain, Map<Digest, byte[]> blobs) throws ImageException {
        long size = manifest.config().size() + manifest.layers().stream().mapToLong(Descriptor::size).sum();
        List<String> tags = ref.repoTag() == null ? List.of() : List.of(ref.repoTag());
        ImageRecord record = new ImageRecord(manifest.config().digest(), tags, List.of(ref.repoDigest(top.digest())), size,
                platformManifest.digest(), List.copyOf(blobs.keySet()), config.diffIds(), chain, false, Instant.now());
        try {
            return images.put(record);
        } catch (IOException e) {
            throw LocalIo.failure("recording image " + ref, e);
        }
    }

    /** The config from the content store when an earlier pull stored it (verified again), else null. */
    private byte[] storedConfig(Digest digest) {
        try {
            if (content.has(digest)) {
                byte[] bytes = content.read(digest);
                return Digest.sha256(bytes).equals(digest) ? bytes : null;
            }
        } catch (IOException e) {
            LOG.debug("stored config {} unreadable: {}", digest, e.toString());
        }
        return null;
    }

    /** Downloads and applies the layers not yet in the snapshotter; waits for all before returning. */
    private void fetchLayers(RepositorySession session, ImageReference ref, ImageManifest manifest, List<Digest> diffIds,
            List<Digest> chain, Map<Integer, LayerDownload> early, PullProgress progress)
            throws ImageException, InterruptedException {
        List<CompletableFuture<Void>> tasks = new ArrayList<>();
        int present = 0;
        long toDownload = 0;
        for (int i = 0; i < chain.size(); i++) {
            if (layers.hasLayer(chain.get(i).toString())) {
                present++;
            } else {
                toDownload += manifest.layers().get(i).size();
            }
        }
        progress.plan(chain.size(), present, toDownload);
        CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
        for (int i = 0; i < chain.size(); i++) {
            Digest chainId = chain.get(i);
            if (layers.hasLayer(chainId.toString())) {
                LayerDownload unneeded = early.remove(i); // guessed missing, but there: stop it now, not at the pull's end
                if (unneeded != null) {
                    unneeded.close();
                }
                previous = CompletableFuture.completedFuture(null);
                continue;
            }
            Descriptor layer = manifest.layers().get(i);
            Digest parent = i == 0 ? null : chain.get(i - 1);
            Digest diffId = diffIds.get(i);
            CompletableFuture<Void> below = previous;
            String what = layerName(ref, manifest, i);
            LayerDownload started = early.remove(i); // this pull's early download, if any: the apply's from now on
            SingleFlight.Flight<Void> flight;
            try {
                flight = layerFlights.run(chainId, () -> CompletableFuture.runAsync(
                        () -> applyTask(session, layer, diffId, chainId, parent, below, what, started, progress),
                        r -> Thread.ofVirtual().name("image-layer").start(r)));
            } catch (RuntimeException e) {
                if (started != null) {
                    started.close();
                }
                throw e;
            }
            if (!flight.leader() && started != null) {
                started.close(); // another pull applies this layer with its own download
            }
            CompletableFuture<Void> task = flight.future();
            tasks.add(task);
            previous = task;
        }
        ImageException first = null;
        for (CompletableFuture<Void> t : tasks) {
            try {
                await(t);
            } catch (ImageException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** {@link #fetchAndApply} as a task: its failures complete the task. */
    private void applyTask(RepositorySession session, Descriptor layer, Digest diffId, Digest chainId, Digest parent,
            CompletableFuture<Void> below, String what, LayerDownload started, PullProgress progress) {
        try {
            fetchAndApply(session, layer, diffId, chainId, parent, below, what, started, progress);
            progress.layerDone();
        } catch (ImageException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    /**
     * Downloads one layer and applies it as it arrives: the download runs on its own thread into a
     * {@link LayerSpool} (started here, or earlier: {@code started}) while this thread waits for the
     * parent layer, then decompresses, verifies and extracts from the spool, following the download.
     * Whichever side fails first decides the error; the other is stopped, and the download file is
     * deleted either way.
     */
    private void fetchAndApply(RepositorySession session, Descriptor layer, Digest diffId, Digest chainId, Digest parent,
            CompletableFuture<Void> below, String what, LayerDownload started, PullProgress progress)
            throws ImageException, InterruptedException {
        if (layers.hasLayer(chainId.toString())) {
            if (started != null) {
                started.close();
            }
            return;
        }
        try (LayerDownload download = started != null ? started : startDownload(session, layer, what, progress);
                InputStream blob = download.spool().open()) {
            await(below); // the parent must be committed first; its failure is reported by its own task
            unpacker.apply(blob, MediaTypes.layerCompression(layer.mediaType()), diffId, chainId, parent, what);
        } catch (IOException e) {
            throw LocalIo.failure("reading the download of " + what, e);
        }
    }

    /** Downloads a layer into its spool, verified (size and digest) as it streams; bounded over all pulls. */
    private void download(RepositorySession session, Descriptor layer, String what, PullProgress progress, LayerSpool spool)
            throws ImageException, InterruptedException {
        downloads.acquire();
        try (DigestVerifyingInputStream in = session.openBlob(layer, what);
                OutputStream out = Files.newOutputStream(spool.file())) {
            byte[] buf = new byte[128 * 1024];
            int n;
            while ((n = readNetwork(in, buf)) >= 0) {
                if (spool.abandoned()) {
                    throw new InterruptedException("nobody reads the download of " + what + " any more");
                }
                writeLocal(out, buf, n, what);
                out.flush();
                spool.wrote(n);
                progress.downloaded(n);
                metrics.downloaded(n);
            }
        } catch (IOException e) {
            throw LocalIo.failure("writing " + what, e);
        } finally {
            downloads.release();
        }
    }

    /** Reads from the network side, turning its failures into ImageExceptions. */
    private static int readNetwork(InputStream in, byte[] buf) throws ImageException, InterruptedException {
        try {
            return in.read(buf, 0, buf.length);
        } catch (BlobReadException e) {
            throw e.error();
        } catch (DigestVerifyingInputStream.MismatchException e) {
            throw new DigestMismatchException(e.getMessage() + "; download discarded");
        } catch (InterruptedIOException e) {
            throw new InterruptedException(e.getMessage());
        } catch (IOException e) {
            throw new dev.jcri.image.error.RegistryUnavailableException(e.getMessage(), e);
        }
    }

    private static void writeLocal(OutputStream out, byte[] buf, int n, String what) throws ImageException {
        try {
            out.write(buf, 0, n);
        } catch (IOException e) {
            throw LocalIo.failure("writing " + what, e);
        }
    }
}
