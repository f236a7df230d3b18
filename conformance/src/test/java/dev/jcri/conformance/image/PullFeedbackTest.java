package dev.jcri.conformance.image;

import static dev.jcri.conformance.image.Images.failure;
import static dev.jcri.conformance.image.Images.files;
import static dev.jcri.conformance.image.Images.list;
import static dev.jcri.conformance.image.Images.pull;
import static dev.jcri.conformance.image.Images.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jcri.conformance.CriClient;
import dev.jcri.conformance.JcriProcess;
import dev.jcri.conformance.SharedRuntime;
import dev.jcri.conformance.registry.FaultProxy;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestLayer;
import dev.jcri.conformance.registry.TestRegistry;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.Api;

/**
 * What an operator sees of a long pull, on a real daemon with {@code registry.stall_timeout_seconds = 2}
 * and {@code registry.progress_interval_seconds = 1}: a layer whose bytes stop fails the pull
 * (UNAVAILABLE naming the layer's digest and the host that stopped sending) and leaves no partial
 * download; a layer trickling slower than any deadline but still moving completes, and its
 * progress is logged once a second, one line each.
 */
class PullFeedbackTest {

    private static final Pattern PROGRESS = Pattern.compile(
            "pulling (\\S+): ([0-9.]+) of ([0-9.]+) MB, (\\d+) of (\\d+) layers, ([0-9.]+) MB/s");

    private static TestRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(SharedRuntime.externalEndpoint() == null, "configures its own jcri");
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private JcriProcess daemon(String moreToml) throws IOException {
        Path config = dir.resolve("jcri.toml");
        Files.writeString(config, "[registry]\nstall_timeout_seconds = 2\nprogress_interval_seconds = 1\nmax_attempts = 2\n"
                + moreToml);
        return JcriProcess.start(dir, List.of("--config", config.toString()));
    }

    private static TestImage bigImage(String label, int seed) {
        return TestImages.busyboxBuilder().label("feedback", label)
                .layer(TestLayer.builder().randomFile("/big", 3 << 20, seed).build()).build();
    }

    @Test
    void aStalledLayerFailsNamingTheLayerAndTheHostAndLeavesNoPartialDownload() throws Exception {
        TestImage image = bigImage("stall", 21);
        registry.push("feedback/stall:1", image);
        String layer = image.layers().getLast().digest();
        try (FaultProxy proxy = FaultProxy.start(registry.host());
                // through a mirror, so that the host that stalls is not the one the reference names
                JcriProcess jcri = daemon("[registry.mirrors.\"stall.invalid\"]\nendpoints = [\"http://" + proxy.host() + "\"]\n");
                CriClient cri = new CriClient(jcri.socket())) {
            proxy.stallBlob(layer, 1 << 20);
            String ref = "stall.invalid/feedback/stall:1";
            // the deadline only bounds a broken daemon: a stall is reported after 2 s without bytes
            Status s = failure(() -> cri.images().withDeadlineAfter(2, TimeUnit.MINUTES)
                    .pullImage(Api.PullImageRequest.newBuilder().setImage(spec(ref)).build()));
            assertEquals(Status.Code.UNAVAILABLE, s.getCode(), s.toString());
            String why = s.getDescription();
            assertTrue(why.contains(layer), "names the layer: " + why);
            assertTrue(why.contains(proxy.host()), "names the host that stopped sending: " + why);
            assertTrue(why.contains("no data for 2 s"), "says what happened: " + why);
            assertTrue(proxy.stalledRequests() >= 1, "the proxy held the download");

            Path content = jcri.root().resolve("images/content");
            assertEquals(List.of(), files(content.resolve("ingest")), "no partial download left");
            assertEquals(List.of(), files(content.resolve("blobs/sha256")).stream()
                    .filter(p -> !p.getFileName().toString().matches("[0-9a-f]{64}")).toList(), "no temp blob left");
            assertTrue(list(cri, null).isEmpty(), "no image recorded");
            assertTrue(jcri.logText().contains("pull of " + ref + " failed"), "the failure is logged");

            proxy.stallBlob(null, 0);
            assertEquals(image.id(), pull(cri, ref), "the next pull through a healthy registry works");
        }
    }

    @Test
    void aSlowLayerStillMovingCompletesAndItsProgressIsLogged() throws Exception {
        TestImage image = bigImage("slow", 22);
        registry.push("feedback/slow:1", image);
        try (FaultProxy proxy = FaultProxy.start(registry.host()); JcriProcess jcri = daemon("");
                CriClient cri = new CriClient(jcri.socket())) {
            proxy.throttleBlobs(512 << 10); // 3 MiB take about 6 s: three times the stall timeout, never idle for 2 s
            String ref = proxy.host() + "/feedback/slow:1";
            assertEquals(image.id(), pull(cri, ref));

            List<Matcher> lines = jcri.logText().lines().map(PROGRESS::matcher).filter(Matcher::find)
                    .filter(m -> m.group(1).equals(ref)).toList();
            assertTrue(lines.size() >= 2, "a line per second of a pull of several seconds:\n" + jcri.logText());
            for (Matcher m : lines) {
                assertEquals(Integer.toString(image.layers().size()), m.group(5), "layers total: " + m.group());
                assertTrue(Double.parseDouble(m.group(2)) <= Double.parseDouble(m.group(3)), "done <= total: " + m.group());
            }
            Matcher last = lines.getLast();
            assertTrue(Double.parseDouble(last.group(2)) > 1.0, "bytes move between lines: " + last.group());
            assertTrue(jcri.logText().contains("pulled " + ref), "the end is logged");
        }
    }
}
