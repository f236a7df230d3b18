package dev.jcri.sandbox.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Reads files of a container's root filesystem as the container would see them. An image may make
 * /etc/passwd a symlink to "/../../host/etc/shadow": symlinks are followed with the rootfs as "/"
 * (".." stops at the root), so that nothing outside the rootfs is ever read.
 */
final class RootfsFiles {
    private static final int MAX_LINKS = 255;

    private RootfsFiles() {}

    /** The host path of {@code inContainer} (absolute, container view), resolved inside {@code rootfs}. */
    static Path resolve(Path rootfs, String inContainer) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, inContainer);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                done.pollLast();
                continue;
            }
            Path candidate = join(rootfs, done).resolve(name);
            if (Files.isSymbolicLink(candidate)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many levels of symbolic links in " + inContainer);
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
            } else {
                done.addLast(name);
            }
        }
        return join(rootfs, done);
    }

    /** The file's text, or empty when it (or a directory on its way) does not exist. */
    static Optional<String> readIfExists(Path rootfs, String inContainer) throws IOException {
        Path p = resolve(rootfs, inContainer);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        // Decoded leniently: one odd byte in a GECOS field must not make the whole file unreadable.
        return Optional.of(new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static Path join(Path rootfs, Deque<String> parts) {
        Path p = rootfs;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }
}
