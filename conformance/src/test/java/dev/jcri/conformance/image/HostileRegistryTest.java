package dev.jcri.conformance.image;

import static dev.jcri.conformance.HostileDaemon.millisSince;
import static dev.jcri.conformance.image.Images.failure;
import static dev.jcri.conformance.image.Images.pull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.HostileDaemon;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.FaultProxy;
import dev.jcri.conformance.registry.FaultProxy.Target;
import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestLayer;
import dev.jcri.conformance.registry.TestRegistry;
import dev.jcri.conformance.registry.TokenServer;
import dev.jcri.conformance.registry.TokenServer.Behaviour;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A hostile registry, token server and images against a jcri with a 64 MiB heap, through the real
 * pull path: answers that never end, redirect loops, token servers that stall or flood, manifests
 * and blobs longer than allowed, PAX and gzip bombs. Each pull must fail (or, for a gzip bomb,
 * succeed) with a clear error within a bounded time, and afterwards the daemon still answers, its
 * heap held, and nothing is left behind.
 */
@Timeout(180)
class HostileRegistryTest {

    private static final AtomicInteger REPOS = new AtomicInteger();

    private static TestRegistry registry;
    private static FaultProxy proxy;
    private static TokenServer tokens;
    private static TestRegistry tokenRegistry;
    private static HostileDaemon jcri;
    private static CriClient cri;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "needs its own jcri with a small heap");
        registry = TestRegistry.start();
        proxy = FaultProxy.start(registry.host());
        tokens = TokenServer.start("puller", "s3cret");
        tokenRegistry = TestRegistry.startWithTokenAuth(tokens);
        jcri = HostileDaemon.start("");
        cri = jcri.cri();
    }

    /** A case that killed the daemon must not fail the next ones for it: each starts on a live one. */
    @BeforeEach
    void liveDaemon() throws Exception {
        if (!jcri.answers()) {
            jcri.close();
            jcri = HostileDaemon.start("");
            cri = jcri.cri();
        }
    }

    @AfterEach
    void healthyAfterEveryCase() throws IOException {
        if (jcri == null) {
            return;
        }
        proxy.reset();
        tokens.behave(Behaviour.NORMAL);
        jcri.assertHealthy();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {jcri, proxy, tokenRegistry, tokens, registry}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A small image under a repository no other case uses (so no cached token or probe helps). */
    private static String pushed(TestRegistry to, String what) throws Exception {
        TestImage image = TestImage.builder().label("hostile", what)
                .layer(TestLayer.builder().randomFile("/data", 1 << 20, what.hashCode()).build()).build();
        PushedImage p = to.push("hostile/" + what + "-" + REPOS.incrementAndGet() + ":1", image);
        return p.reference();
    }

    /** The reference of {@code ref} through the fault proxy. */
    private static String viaProxy(String ref) {
        return ref.replace(registry.host(), proxy.host());
    }

    // ------------------------------------------------------------------ hostile registry

    @Test
    void anEndlessErrorBodyOnAManifestIsCutAndTheStatusReported() throws Exception {
        String ref = viaProxy(pushed(registry, "err-manifest"));
        proxy.endlessErrorBodies(Target.MANIFESTS, 503);
        long start = System.nanoTime();
        Status s = failure(() -> pull(cri, ref));
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
        assertTrue(s.getDescription().contains("503"), s.getDescription());
        assertTrue(proxy.hostileRequests() >= 1);
        assertTrue(millisSince(start) < 60_000, "took " + millisSince(start) + " ms");
    }

    @Test
    void anEndlessErrorBodyOnABlobIsCutAndTheStatusReported() throws Exception {
        String ref = viaProxy(pushed(registry, "err-blob"));
        proxy.endlessErrorBodies(Target.BLOBS, 500);
        Status s = failure(() -> pull(cri, ref));
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
        assertTrue(s.getDescription().contains("500"), s.getDescription());
    }

    @Test
    void aRedirectLoopIsNamedAndNotRetried() throws Exception {
        String ref = viaProxy(pushed(registry, "loop"));
        proxy.redirectLoops(Target.MANIFESTS);
        long start = System.nanoTime();
        Status s = failure(() -> pull(cri, ref));
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
        assertTrue(s.getDescription().contains("redirect loop"), s.getDescription());
        assertTrue(proxy.hostileRequests() <= 3, "followed until the first repeat, once: " + proxy.hostileRequests());
        assertTrue(millisSince(start) < 10_000, "took " + millisSince(start) + " ms");
    }

    @Test
    void aManifestBiggerThanItsLimitIsRefused() throws Exception {
        String ref = viaProxy(pushed(registry, "fat-manifest"));
        for (boolean announced : new boolean[] {false, true}) {
            proxy.padManifests(5L << 20, announced);
            Status s = failure(() -> pull(cri, ref));
            assertEquals(Status.Code.FAILED_PRECONDITION, s.getCode(), s.toString());
            assertTrue(s.getDescription().contains(Long.toString(4L << 20)), "names the limit: " + s.getDescription());
        }
        proxy.reset();
        assertTrue(pull(cri, ref).startsWith("sha256:"), "the same image through a sane registry is fine");
    }

    @Test
    void aBlobLongerThanItsDescriptorIsCutAndDiscarded() throws Exception {
        String ref = viaProxy(pushed(registry, "long-blob"));
        proxy.endlessBlobs(true);
        Status s = failure(() -> pull(cri, ref));
        assertEquals(Status.Code.DATA_LOSS, s.getCode(), s.toString());
        assertTrue(s.getDescription().contains("more than the announced"), s.getDescription());
        assertTrue(proxy.hostileBytes() < 64L << 20, "the download stopped: " + proxy.hostileBytes() + " extra bytes sent");
    }

    // ------------------------------------------------------------------ hostile token server

    private static Status pullWithToken(String ref) {
        return failure(() -> Images.pull(cri, ref, tokens.username(), tokens.password()));
    }

    /** A pull through the token server behaving {@code b} fails UNAVAILABLE, and in time. */
    private static Status failsInTime(Behaviour b, String what) throws Exception {
        String ref = pushed(tokenRegistry, what);
        tokens.behave(b);
        long start = System.nanoTime();
        Status s = pullWithToken(ref);
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
        assertTrue(millisSince(start) < 30_000, "took " + millisSince(start) + " ms");
        return s;
    }

    @Test
    void aTokenServerThatNeverAnswersFailsThePullInTime() throws Exception {
        Status s = failsInTime(Behaviour.SILENT, "token-silent");
        assertTrue(s.getDescription().contains("token"), s.getDescription());
    }

    @Test
    void aTokenAnswerThatNeverEndsFailsThePullInTime() throws Exception {
        failsInTime(Behaviour.TRICKLE, "token-trickle");
    }

    @Test
    void anEndlessTokenAnswerIsCutAtItsLimit() throws Exception {
        String ref = pushed(tokenRegistry, "token-endless");
        tokens.behave(Behaviour.ENDLESS_BODY);
        Status s = pullWithToken(ref);
        assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
        assertTrue(s.getDescription().contains(Integer.toString(1 << 20)), "names the limit: " + s.getDescription());
        String refused = pushed(tokenRegistry, "token-refusal"); // pushed while the token server is sane
        tokens.behave(Behaviour.ENDLESS_REFUSAL);
        s = pullWithToken(refused);
        assertEquals(Status.Code.UNAUTHENTICATED, s.getCode(), s.toString());
        tokens.behave(Behaviour.NORMAL);
        assertTrue(Images.pull(cri, ref, tokens.username(), tokens.password()).startsWith("sha256:"),
                "with a sane token server the pull works");
    }

    // ------------------------------------------------------------------ hostile layers

    private static void entry(TarArchiveOutputStream tar, String name, byte type, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type);
        e.setSize(data.length);
        e.setMode(0644);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    /** One PAX record "LEN key=value\n". */
    private static byte[] paxRecord(String key, byte[] value) {
        int base = 1 + key.length() + 1 + value.length + 1;
        int len = base + Integer.toString(base).length();
        if (Integer.toString(len).length() != Integer.toString(base).length()) {
            len++;
        }
        byte[] head = (len + " " + key + "=").getBytes(StandardCharsets.US_ASCII);
        byte[] rec = Arrays.copyOf(head, len);
        System.arraycopy(value, 0, rec, head.length, value.length);
        rec[len - 1] = '\n';
        return rec;
    }

    @Test
    void aPaxBombLayerIsRefused() throws Exception {
        // 300 extended headers of 1 MiB before one file: 300 MiB of xattrs merged into one entry,
        // a few hundred KB compressed
        byte[] value = new byte[(1 << 20) - 100];
        Arrays.fill(value, (byte) 'a');
        TestLayer bomb = TestLayer.streamed(out -> {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            for (int i = 0; i < 300; i++) {
                entry(tar, "PaxHeaders/bomb", TarConstants.LF_PAX_EXTENDED_HEADER_LC, paxRecord("SCHILY.xattr.user.b" + i, value));
            }
            entry(tar, "victim", TarConstants.LF_NORMAL, "x".getBytes(StandardCharsets.US_ASCII));
            tar.finish();
        });
        assertTrue(bomb.size() < 4 << 20, "a small blob: " + bomb.size());
        String ref = registry.push("hostile/pax-bomb:1", TestImage.builder().layer(bomb).build()).reference();
        Status s = failure(() -> pull(cri, ref));
        assertEquals(Status.Code.FAILED_PRECONDITION, s.getCode(), s.toString());
        assertTrue(s.getDescription().contains(Integer.toString(1 << 20)), "names the limit: " + s.getDescription());
    }

    @Test
    void aLayerOfCountlessDirectoriesFitsTheHeap() throws Exception {
        // every directory costs the applier some bookkeeping (times to restore, resolved paths,
        // usage to count): 150 000 of them with long names, 2 MB compressed, must not add up to the heap
        int count = 150_000;
        String longName = "a-directory-name-long-enough-to-make-each-one-weigh-".repeat(2);
        TestLayer dirs = TestLayer.streamed(out -> {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < count; i++) {
                TarArchiveEntry e = new TarArchiveEntry("d" + (i / 1000) + "/" + longName + i + "/", TarConstants.LF_DIR);
                e.setMode(0755);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
            tar.finish();
        });
        pullsAndGoes("hostile/dir-bomb:1", dirs, 8 << 20);
    }

    /** A small blob, pulled whole as an image of its own and removed again (with its layer). */
    private static void pullsAndGoes(String repoTag, TestLayer layer, int maxBlob) throws Exception {
        assertTrue(layer.size() < maxBlob, "a small blob: " + layer.size());
        TestImage image = TestImage.builder().layer(layer).build();
        String ref = registry.push(repoTag, image).reference();
        assertEquals(image.id(), pull(cri, ref));
        Images.remove(cri, ref);
    }

    @Test
    void aGzipBombLayerStreamsToDiskNotToTheHeap() throws Exception {
        long size = 512L << 20; // eight times the daemon's heap, ~500 KB compressed
        TestLayer bomb = TestLayer.streamed(out -> {
            TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
            TarArchiveEntry e = new TarArchiveEntry("zeros");
            e.setSize(size);
            tar.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 20];
            for (long done = 0; done < size; done += zeros.length) {
                tar.write(zeros);
            }
            tar.closeArchiveEntry();
            tar.finish();
        });
        pullsAndGoes("hostile/gzip-bomb:1", bomb, 4 << 20); // the layer's half GiB goes with the image
    }
}
