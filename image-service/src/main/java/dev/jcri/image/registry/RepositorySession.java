package dev.jcri.image.registry;

import dev.jcri.image.error.DigestMismatchException;
import dev.jcri.image.error.ImageException;
import dev.jcri.image.error.ImageNotFoundException;
import dev.jcri.image.error.InvalidReferenceException;
import dev.jcri.image.error.PullStalledException;
import dev.jcri.image.error.RegistryUnavailableException;
import dev.jcri.image.error.UnsupportedImageException;
import dev.jcri.image.manifest.Descriptor;
import dev.jcri.image.manifest.MediaTypes;
import dev.jcri.image.ref.Digest;
import dev.jcri.image.ref.DigestVerifyingInputStream;
import dev.jcri.image.ref.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one repository's manifests and blobs through its endpoints: mirrors in order, then the
 * registry. The endpoint that served the manifest is asked first for blobs too; when an endpoint
 * fails, the next is tried, and the error reported is the registry's own (else the last mirror's);
 * when the registry itself cannot be reached, the mirrors' errors are added to it.
 */
public final class RepositorySession {

    private static final Logger LOG = LoggerFactory.getLogger(RepositorySession.class);
    /**
     * Manifests and indexes are small (a hundred layers are 20 KiB); anything bigger is refused
     * before it is read, as the distribution registry and CRI-O refuse them.
     */
    public static final long MAX_MANIFEST_BYTES = 4L << 20;

    private final ImageReference ref;
    private final List<EndpointCaller> callers;
    private final int maxAttempts;
    private final Duration documentDeadline;
    private final Duration blobStallTimeout;
    private volatile int preferred;

    /**
     * @param documentDeadline how long one manifest or small blob may take to arrive whole (a server
     *                         trickling bytes must not hold a pull forever)
     * @param blobStallTimeout a blob download receiving no byte for this long fails; zero: never. Only
     *                         progress counts, never the total time: a slow layer still moving is not cut
     */
    RepositorySession(ImageReference ref, List<EndpointCaller> callers, int maxAttempts, Duration documentDeadline,
            Duration blobStallTimeout) {
        this.ref = ref;
        this.callers = List.copyOf(callers);
        this.maxAttempts = maxAttempts;
        this.documentDeadline = documentDeadline;
        this.blobStallTimeout = blobStallTimeout;
    }

    public ImageReference reference() {
        return ref;
    }

    @FunctionalInterface
    private interface Call<T> {
        T call(EndpointCaller caller) throws ImageException, InterruptedException;
    }

    private <T> T withEndpoints(Call<T> call) throws ImageException, InterruptedException {
        List<EndpointCaller> order = new ArrayList<>(callers);
        int first = preferred;
        if (first > 0 && first < order.size()) {
            order.addFirst(order.remove(first));
        }
        ImageException upstreamError = null;
        ImageException lastError = null;
        List<String> mirrorErrors = new ArrayList<>();
        for (EndpointCaller c : order) {
            try {
                T result = call.call(c);
                preferred = callers.indexOf(c);
                return result;
            } catch (ImageException e) {
                if (e instanceof DigestMismatchException || e instanceof InvalidReferenceException) {
                    throw e;
                }
                if (c.endpoint().mirror()) {
                    LOG.info("{} failed for {}: {}; trying the next endpoint", c.endpoint(), ref, e.getMessage());
                    mirrorErrors.add(c.endpoint() + ": " + shorten(e.getMessage()));
                } else {
                    upstreamError = e;
                }
                lastError = e;
            }
        }
        if (upstreamError instanceof RegistryUnavailableException && !mirrorErrors.isEmpty()) {
            // the registry itself is out of reach (often by design: a name only mirrors serve): why the
            // mirrors failed is then what the operator needs, not only that the registry did not answer
            throw new RegistryUnavailableException(upstreamError.getMessage() + "; the mirrors tried before it failed: "
                    + String.join("; ", mirrorErrors), upstreamError);
        }
        throw upstreamError != null ? upstreamError : lastError;
    }

    private static String shorten(String message) {
        return message == null ? "" : message.length() <= 300 ? message : message.substring(0, 300) + "...";
    }

    /** Fetches a manifest or index by tag or digest, verifying its digest. */
    public FetchedManifest fetchManifest(String tagOrDigest) throws ImageException, InterruptedException {
        String what = "manifest " + ref.name() + (tagOrDigest.contains(":") ? "@" : ":") + tagOrDigest;
        return withEndpoints(c -> {
            HttpTransport.Response r = c.get("manifests/" + tagOrDigest,
                    Map.of("Accept", String.join(", ", MediaTypes.ACCEPTED_MANIFESTS)), what);
            byte[] bytes;
            try {
                if (r.contentLength() > MAX_MANIFEST_BYTES) {
                    r.discard();
                    throw new BodyStream.TooLargeException(what + " is announced as " + r.contentLength()
                            + " bytes, over the limit of " + MAX_MANIFEST_BYTES + " bytes for manifests and indexes");
                }
                bytes = r.body().readAllCapped(MAX_MANIFEST_BYTES, what, documentDeadline);
            } catch (BodyStream.TooLargeException e) {
                throw new UnsupportedImageException(e.getMessage() + " (from " + c.endpoint() + ")");
            } catch (BodyStream.StalledException e) {
                throw new PullStalledException(what + ": " + e.getMessage());
            } catch (IOException e) {
                throw new RegistryUnavailableException("reading " + what + " from " + c.endpoint() + " failed: " + e.getMessage(), e);
            }
            Digest actual = Digest.sha256(bytes);
            if (tagOrDigest.startsWith("sha256:") && !actual.toString().equals(tagOrDigest)) {
                throw new DigestMismatchException(what + " from " + c.endpoint() + " has digest " + actual + "; discarded");
            }
            String announced = r.header("Docker-Content-Digest");
            if (!tagOrDigest.contains(":") && announced != null && announced.startsWith("sha256:")
                    && !announced.equals(actual.toString())) {
                throw new DigestMismatchException(what + " from " + c.endpoint() + " has digest " + actual
                        + " but the registry announced " + announced + "; discarded");
            }
            String contentType = r.header("Content-Type");
            return new FetchedManifest(bytes, contentType == null ? null : contentType.split(";")[0].strip(), actual,
                    c.endpoint().toString());
        });
    }

    /**
     * Fetches a small blob (a config) whole, verified: at most its descriptor's size, which must be
     * at most {@code maxBytes}, held in one array of that size, within the document deadline.
     */
    public byte[] fetchBlob(Descriptor d, long maxBytes, String what) throws ImageException, InterruptedException {
        if (d.size() > maxBytes) {
            throw new UnsupportedImageException(what + " is " + d.size() + " bytes, over the limit of " + maxBytes
                    + " bytes jcri accepts");
        }
        long deadline = System.nanoTime() + documentDeadline.toNanos();
        try (InputStream in = openBlob(d, what)) {
            byte[] bytes = new byte[(int) d.size()];
            int have = 0;
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new PullStalledException(what + " did not arrive whole within " + documentDeadline.toSeconds() + " s");
                }
                // the stream refuses a byte past the descriptor's size, and checks the digest at its end
                int n = have < bytes.length ? in.read(bytes, have, bytes.length - have) : in.read();
                if (n < 0) {
                    return bytes;
                }
                if (have == bytes.length) {
                    throw new IllegalStateException("the verifying stream let a byte past the size through");
                }
                have += n;
            }
        } catch (BlobReadException e) {
            throw e.error();
        } catch (DigestVerifyingInputStream.MismatchException e) {
            throw new DigestMismatchException(e.getMessage() + "; discarded");
        } catch (IOException e) {
            throw new RegistryUnavailableException("reading " + what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Opens a blob as a stream that verifies size and digest as it is read (a mismatch throws
     * {@link DigestVerifyingInputStream.MismatchException} at the end), resumes after dropped
     * connections, and reports registry failures as {@link BlobReadException}.
     */
    public DigestVerifyingInputStream openBlob(Descriptor d, String what) {
        ResumableBlobStream stream = new ResumableBlobStream(offset -> openAt(d, offset, what), maxAttempts, what);
        return new DigestVerifyingInputStream(stream, d.digest(), d.size(), what);
    }

    private InputStream openAt(Descriptor d, long offset, String what) throws ImageException, InterruptedException, IOException {
        return withEndpoints(c -> {
            Map<String, String> headers = offset > 0 ? Map.of("Range", "bytes=" + offset + "-") : Map.of();
            HttpTransport.Response r = c.get("blobs/" + d.digest(), headers, what);
            BodyStream body = r.body();
            body.stallTimeout(blobStallTimeout);
            if (offset > 0 && r.status() != 206) {
                try {
                    body.skipNBytes(offset); // the registry ignored Range: skip what we already have
                } catch (IOException e) {
                    r.discard();
                    throw new RegistryUnavailableException("re-reading " + what + " failed: " + e.getMessage(), e);
                }
            }
            return body;
        });
    }

    /** For messages: ImageNotFound naming the reference. */
    static ImageNotFoundException notFound(ImageReference ref, String why) {
        return new ImageNotFoundException(ref + ": " + why);
    }
}
