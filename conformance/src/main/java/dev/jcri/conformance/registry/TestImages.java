package dev.jcri.conformance.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Ready-made test images, built from Debian's {@code busybox-static} ({@code /bin/busybox}).
 *
 * <p>{@link #busybox()} is a one-layer image with {@code /bin/busybox} and a symlink in
 * {@code /bin} for every applet it has ({@code sh}, {@code sleep}, {@code echo}, {@code cat},
 * {@code id}, {@code ls}, {@code env}, {@code wget}, {@code nc}, ...), {@code /etc/passwd} and
 * {@code /etc/group} with root (0), {@code tester} (1000) and nobody (65534), an empty
 * {@code /tmp} (1777) and the usual mount points; Cmd {@code ["sh"]}. For pod and container tests:
 *
 * <pre>{@code
 * try (TestRegistry registry = TestRegistry.start()) {
 *     PushedImage busybox = registry.push("test/busybox:1", TestImages.busybox());
 *     cri.images().pullImage(PullImageRequest.newBuilder()
 *             .setImage(ImageSpec.newBuilder().setImage(busybox.reference())).build());
 *     // ... CreateContainer with image busybox.reference(), command ["sleep", "3600"]
 * }
 * }</pre>
 *
 * Variants start from {@link #busyboxBuilder()}: {@code TestImages.busyboxBuilder().user("1000").build()}.
 */
public final class TestImages {

    /** Where Debian's busybox-static puts the binary. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private static volatile TestLayer busyboxLayer;

    private TestImages() {}

    /** The busybox image (OCI, gzip, linux/amd64, Cmd sh). */
    public static TestImage busybox() {
        return busyboxBuilder().build();
    }

    /** A builder preloaded with the busybox layer and Cmd ["sh"], to add layers or config. */
    public static TestImage.Builder busyboxBuilder() {
        return TestImage.builder().layer(busyboxLayer()).cmd("sh");
    }

    /** The busybox layer alone (built once per JVM; gzip). */
    public static TestLayer busyboxLayer() {
        TestLayer l = busyboxLayer;
        if (l == null) {
            synchronized (TestImages.class) {
                if (busyboxLayer == null) {
                    busyboxLayer = busyboxLayerBuilder().build();
                }
                l = busyboxLayer;
            }
        }
        return l;
    }

    /** The busybox layer's builder, e.g. to build it with another compression. */
    public static TestLayer.Builder busyboxLayerBuilder() {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " not found: install busybox-static (bin/install-deps --test)");
        }
        TestLayer.Builder b = TestLayer.builder();
        for (String d : List.of("/bin", "/dev", "/etc", "/home", "/home/tester", "/proc", "/root", "/sys", "/usr", "/usr/bin",
                "/var", "/var/log", "/run")) {
            b.dir(d);
        }
        b.dir("/tmp", 01777);
        b.fileFrom("/bin/busybox", BUSYBOX, 0755);
        for (String applet : applets()) {
            if (!applet.equals("busybox")) {
                b.symlink("/bin/" + applet, "busybox");
            }
        }
        b.file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\ntester:x:1000:1000:tester:/home/tester:/bin/sh\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        b.file("/etc/group", "root:x:0:\ntester:x:1000:\nnogroup:x:65534:\n");
        b.file("/etc/hostname", "busybox\n");
        return b;
    }

    /** The applets of this machine's busybox ({@code busybox --list}). */
    public static List<String> applets() {
        try {
            Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("busybox --list failed: " + out);
            }
            List<String> names = new ArrayList<>(new TreeSet<>(out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList()));
            return List.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An image of {@code layerCount} layers of {@code bytesPerLayer} random (incompressible) bytes each
     * on top of busybox, for pull-speed measurements.
     */
    public static TestImage large(int layerCount, int bytesPerLayer) {
        TestImage.Builder b = busyboxBuilder();
        for (int i = 0; i < layerCount; i++) {
            b.layer(TestLayer.builder().dir("/data").randomFile("/data/blob" + i, bytesPerLayer, i).build());
        }
        return b.build();
    }
}
