package dev.jcri.snapshot;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Child-process main for {@link CrashRecoveryTest}: applies a practically endless generated layer
 * (files of 4 KiB, streamed through a pipe), printing "EXTRACTING" once a few thousand files are
 * in, so the parent knows extraction is under way and can kill -9 us mid-layer.
 */
public final class EndlessLayerExtraction {
    static final String READY = "EXTRACTING";
    private static final int ANNOUNCE_AFTER = 2000;

    public static void main(String[] args) throws Exception {
        OverlaySnapshotter store = OverlaySnapshotter.open(Path.of(args[0]), false);
        PipedInputStream in = new PipedInputStream(64 * 1024);
        PipedOutputStream out = new PipedOutputStream(in);
        Thread generator = Thread.ofPlatform().start(() -> generate(out));
        store.applyLayer("sha256:endless", null, in);
        generator.join();
        System.out.println("FINISHED (unexpected)");
    }

    private static void generate(PipedOutputStream pipe) {
        byte[] content = new byte[4096];
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(pipe)) {
            for (int i = 0; i < 50_000_000; i++) {
                if (i % 1000 == 0) {
                    TarArchiveEntry dir = new TarArchiveEntry("d" + (i / 1000) + "/", TarArchiveEntry.LF_DIR);
                    dir.setModTime(FileTime.fromMillis(0));
                    tar.putArchiveEntry(dir);
                    tar.closeArchiveEntry();
                }
                TarArchiveEntry e = new TarArchiveEntry("d" + (i / 1000) + "/f" + i);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
                if (i == ANNOUNCE_AFTER) {
                    System.out.println(READY); // the pipe holds 64 KiB: the applier is at most ~16 files behind
                    System.out.flush();
                }
            }
        } catch (IOException e) {
            // the applier died or the process is being killed
        }
    }
}
