package dev.jcri.conformance.security;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a local user may do with jcri's files: run as an unprivileged user (setpriv) by
 * {@link LocalUser}, it tries every path it is given as an attacker would and prints one line per
 * success: {@code reachable P} (lstat works: every parent is searchable), {@code listable P},
 * {@code readable P}, {@code connected P} (a UNIX socket accepted the connection) and
 * {@code executed P: OUTPUT} (a setuid layer file ran). Silence means nothing was possible.
 *
 * <p>Self-contained on purpose (no other class of the suite, no nested classes): its one class
 * file is copied where that user can load it.
 *
 * <p>Arguments: a file listing the paths to try, one per line; paths to try to execute follow.
 */
public final class UnprivilegedProbe {

    private UnprivilegedProbe() {}

    public static void main(String[] args) throws Exception {
        List<String> paths = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (String line : paths) {
            if (line.isEmpty()) {
                continue;
            }
            Path p = Path.of(line);
            PosixFileAttributes attrs;
            try {
                attrs = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                continue; // not even reachable: what we want
            }
            out.append("reachable ").append(p).append('\n');
            if (attrs.isDirectory()) {
                try (DirectoryStream<Path> list = Files.newDirectoryStream(p)) {
                    var _ = list.iterator().hasNext(); // reads the directory: denied throws
                    out.append("listable ").append(p).append('\n');
                } catch (IOException | RuntimeException denied) {
                    // expected
                }
            } else if (attrs.isRegularFile()) { // never open a FIFO: that would block
                try (InputStream in = Files.newInputStream(p)) {
                    in.read();
                    out.append("readable ").append(p).append('\n');
                } catch (IOException denied) {
                    // expected
                }
            } else if (attrs.isOther()) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(p));
                    out.append("connected ").append(p).append('\n');
                } catch (IOException | RuntimeException denied) {
                    // expected (or not a socket)
                }
            }
        }
        for (int i = 1; i < args.length; i++) {
            try {
                Process run = new ProcessBuilder(args[i]).redirectErrorStream(true).start();
                String text = new String(run.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
                if (run.waitFor(10, TimeUnit.SECONDS)) {
                    out.append("executed ").append(args[i]).append(": ").append(text).append('\n');
                } else {
                    run.destroyForcibly();
                    out.append("executed ").append(args[i]).append(": (still running)\n");
                }
            } catch (IOException denied) {
                // expected: the file cannot be reached or executed
            }
        }
        System.out.print(out);
    }
}
