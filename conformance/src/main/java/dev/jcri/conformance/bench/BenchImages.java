package dev.jcri.conformance.bench;

import dev.jcri.conformance.registry.PushedImage;
import dev.jcri.conformance.registry.TestImage;
import dev.jcri.conformance.registry.TestImages;
import dev.jcri.conformance.registry.TestLayer;
import dev.jcri.conformance.registry.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark's images, built in Java and pushed to its local registry: busybox (what containers
 * run), a pause image for containerd's sandboxes, and images never pulled before, for cold pulls.
 */
public final class BenchImages {

    /** Debian's static catatonit: with {@code -P} it is podman's pause process. */
    public static final Path CATATONIT = Path.of("/usr/bin/catatonit");

    private final TestRegistry registry;
    private final AtomicInteger serial = new AtomicInteger();
    private final PushedImage busybox;
    private final PushedImage pause;

    public BenchImages(TestRegistry registry) throws IOException, InterruptedException {
        this.registry = registry;
        this.busybox = registry.push("bench/busybox:1", TestImages.busybox());
        this.pause = registry.push("bench/pause:1", pauseImage());
    }

    /** A one-layer image whose entrypoint is {@code /catatonit -P}: a pause image without Go or a build. */
    public static TestImage pauseImage() {
        if (!Files.isExecutable(CATATONIT)) {
            throw new IllegalStateException(CATATONIT + " not found: install catatonit (bin/install-deps)");
        }
        TestLayer layer = TestLayer.builder().dir("/dev").dir("/proc").dir("/sys").dir("/etc")
                .fileFrom("/catatonit", CATATONIT, 0755).build();
        return TestImage.builder().layer(layer).entrypoint("/catatonit", "-P").user("65535:65535").build();
    }

    public PushedImage busybox() {
        return busybox;
    }

    public PushedImage pause() {
        return pause;
    }

    /** {@code count} small images (one layer of 64 KiB of new random bytes each), pushed, never pulled yet. */
    public List<String> freshSmall(int count) throws IOException, InterruptedException {
        List<String> refs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = serial.incrementAndGet();
            TestLayer layer = TestLayer.builder().dir("/data").randomFile("/data/blob", 64 * 1024, 1_000_000L + n).build();
            refs.add(registry.push("bench/small-" + n + ":1", TestImage.builder().layer(layer).cmd("/data/blob").build()).reference());
        }
        return refs;
    }

    /**
     * A multi-layer image never pulled yet: {@code layers} layers of {@code bytesPerLayer} random
     * (incompressible) bytes, gzip, each layer new (no layer shared with any other image).
     */
    public String freshLarge(int layers, int bytesPerLayer) throws IOException, InterruptedException {
        int n = serial.incrementAndGet();
        TestImage.Builder b = TestImage.builder().cmd("/data/blob0");
        for (int i = 0; i < layers; i++) {
            b.layer(TestLayer.builder().dir("/data").randomFile("/data/blob" + i, bytesPerLayer, 2_000_000L + n * 100L + i).build());
        }
        return registry.push("bench/large-" + n + ":1", b.build()).reference();
    }
}
