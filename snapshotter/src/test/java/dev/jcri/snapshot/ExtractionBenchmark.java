package dev.jcri.snapshot;

import dev.jcri.linux.ChildProcess;
import dev.jcri.linux.PosixFiles;
import dev.jcri.snapshot.layer.LayerApplier;
import dev.jcri.snapshot.layer.LowerLayers;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Throughput of layer extraction against GNU tar on the same ~300 MB stream (many small files,
 * some large). A measurement, not a pass/fail test; excluded from normal builds. Run with
 * {@code mvn -f snapshotter/pom.xml test -Dtest=ExtractionBenchmark -Djcri.excludedGroups=none}.
 */
@Tag("benchmark")
class ExtractionBenchmark {
    @TempDir
    Path dir;

    private static final int SMALL_FILES = 60_000;
    private static final int LARGE_FILES = 10;
    private static final int LARGE_SIZE = 15 << 20;
    private static final int ROUNDS = 3;

    private Path out; // where extractions go: the temp dir's disk, or a tmpfs

    /**
     * On tmpfs: no device, no writeback, so the numbers compare the CPU and syscall cost of the
     * two extractors (what our code controls). On disk: the real thing, but noisy on a VM disk.
     */
    @Test
    void applyVersusTarOnTmpfs() throws IOException {
        Path layer = dir.resolve("layer.tar");
        long size = generate(layer);
        out = Files.createDirectories(dir.resolve("tmpfs"));
        dev.jcri.linux.Mounts.mount("bench", out, "tmpfs", 0, "size=6g");
        try {
            System.out.printf("== tmpfs == layer: %d MB, %d small + %d large files%n", size >> 20, SMALL_FILES, LARGE_FILES);
            measure(layer, size, false);
        } finally {
            dev.jcri.linux.Mounts.unmount(out, 0);
        }
    }

    @Test
    void applyVersusTarOnDisk() throws IOException {
        Path layer = dir.resolve("layer.tar");
        long size = generate(layer);
        out = Files.createDirectories(dir.resolve("disk"));
        System.out.printf("== disk (%s) == layer: %d MB%n", Files.getFileStore(out).type(), size >> 20);
        measure(layer, size, true);
    }

    /**
     * Each round runs every contender once, in an order rotated from round to round: whoever runs
     * first in a round pays for the deletion of the previous round's trees (on an ext4 mounted
     * with {@code discard} that can cost seconds), which must not always be the same contender.
     * (Deleting after every measurement instead slows every disk measurement down the same way.)
     */
    private void measure(Path layer, long size, boolean withSync) throws IOException {
        List<String> names = new ArrayList<>(List.of("tar", "applier", "storeNoSync"));
        if (withSync) {
            names.addAll(List.of("tarSynced", "storeSynced"));
        }
        java.util.Map<String, List<Long>> times = new java.util.HashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < names.size(); i++) {
                String name = names.get((i + round) % names.size());
                times.computeIfAbsent(name, k -> new ArrayList<>()).add(run(name, layer));
            }
            cleanup();
        }
        double tarMs = median(times.get("tar"));
        System.out.printf("tar -x                        : median %6d ms  %s%n", (long) tarMs, times.get("tar"));
        report("LayerApplier (extract only)   ", times.get("applier"), tarMs, size);
        report("applyLayer, no syncfs         ", times.get("storeNoSync"), tarMs, size);
        if (withSync) {
            List<Long> tarSynced = times.get("tarSynced");
            System.out.printf("tar -x && syncfs              : median %6d ms  %s%n", (long) median(tarSynced), tarSynced);
            report("applyLayer with syncfs        ", times.get("storeSynced"), median(tarSynced), size);
        }
    }

    private long run(String contender, Path layer) throws IOException {
        return switch (contender) {
            case "tar" -> timeTar(layer, false);
            case "tarSynced" -> timeTar(layer, true);
            case "applier" -> time(() -> {
                Path target = Files.createDirectories(out.resolve("applier-" + System.nanoTime()));
                try (InputStream in = Files.newInputStream(layer)) {
                    new LayerApplier(target, LowerLayers.none()).apply(in);
                }
            });
            case "storeNoSync", "storeSynced" -> time(() -> {
                boolean sync = contender.equals("storeSynced");
                OverlaySnapshotter store = OverlaySnapshotter.open(out.resolve(contender + "-" + System.nanoTime()), sync);
                try (InputStream in = Files.newInputStream(layer)) {
                    store.applyLayer("sha256:bench", null, in);
                }
            });
            default -> throw new IllegalArgumentException(contender);
        };
    }

    private long timeTar(Path layer, boolean sync) throws IOException {
        return time(() -> {
            Path target = Files.createDirectories(out.resolve("tar-" + sync + "-" + System.nanoTime()));
            ChildProcess.command("tar", "-x", "-f", layer.toString(), "-C", target.toString())
                    .timeout(Duration.ofMinutes(10)).run().requireSuccess();
            if (sync) {
                PosixFiles.syncfs(target);
            }
        });
    }

    private void cleanup() throws IOException {
        try (var s = Files.list(out)) {
            for (Path p : s.toList()) {
                ChildProcess.command("rm", "-rf", p.toString()).run().requireSuccess();
            }
        }
        PosixFiles.syncfs(dir); // every measurement starts without someone else's dirty pages
    }

    private static void report(String what, List<Long> times, double tarMs, long size) {
        double ms = median(times);
        System.out.printf("%s: median %6d ms  %s  = %.2fx tar, %.0f MB/s%n", what, (long) ms, times, ms / tarMs,
                size / 1048576.0 / (ms / 1000));
    }

    private static double median(List<Long> xs) {
        List<Long> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    @FunctionalInterface
    interface Work {
        void run() throws IOException;
    }

    private long time(Work w) throws IOException {
        PosixFiles.syncfs(dir);
        long t0 = System.nanoTime();
        w.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Small files of 0..6 KiB in directories of 500, plus a few large ones; pseudo-random content. */
    private static long generate(Path file) throws IOException {
        Random random = new Random(42);
        byte[] noise = new byte[LARGE_SIZE + 8192];
        random.nextBytes(noise);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < SMALL_FILES; i++) {
                if (i % 500 == 0) {
                    TarArchiveEntry d = new TarArchiveEntry("usr/share/pkg" + i / 500 + "/", TarArchiveEntry.LF_DIR);
                    d.setModTime(FileTime.fromMillis(1_600_000_000_000L));
                    d.setMode(0755);
                    tar.putArchiveEntry(d);
                    tar.closeArchiveEntry();
                }
                int len = random.nextInt(6 * 1024);
                TarArchiveEntry e = new TarArchiveEntry("usr/share/pkg" + i / 500 + "/file-" + i + ".txt");
                e.setSize(len);
                e.setMode(i % 10 == 0 ? 0755 : 0644);
                e.setModTime(FileTime.fromMillis(1_600_000_000_000L));
                tar.putArchiveEntry(e);
                tar.write(noise, random.nextInt(8192), len);
                tar.closeArchiveEntry();
            }
            for (int i = 0; i < LARGE_FILES; i++) {
                TarArchiveEntry e = new TarArchiveEntry("opt/big/blob-" + i + ".bin");
                e.setSize(LARGE_SIZE);
                e.setModTime(FileTime.fromMillis(1_600_000_000_000L));
                tar.putArchiveEntry(e);
                tar.write(noise, i, LARGE_SIZE);
                tar.closeArchiveEntry();
            }
        }
        return Files.size(file);
    }
}
