package dev.jcri.linux;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates a user namespace with a given id mapping, together with namespaces it owns (network, IPC,
 * UTS created in the same unshare(2) call belong to the new user namespace), and pins them all with
 * bind mounts of their nsfs files, so they outlive the process that made them.
 *
 * <p>How: a short-lived {@code unshare --user --net ... sh -c 'echo; read'} child creates them and
 * waits; from the host we bind its /proc/PID/ns files onto the pins and write its uid_map and
 * gid_map (a process in the parent namespace with CAP_SETUID/CAP_SETGID may write any mapping,
 * which is what lets the mapping use ids no subuid file grants), then let it exit. util-linux's own
 * pinning ({@code --user=FILE}) is not used: its helper fails to pin a user namespace (EPERM),
 * and its {@code --map-users} needs newuidmap, which the node need not have.
 */
public final class UserNamespaces {
    private UserNamespaces() {}

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** One line of uid_map/gid_map: ids [containerId, containerId+length) are host ids [hostId, ...). */
    public record Mapping(long containerId, long hostId, long length) {
        String line() {
            return containerId + " " + hostId + " " + length + "\n";
        }
    }

    /**
     * Creates a user namespace mapped by {@code uids}/{@code gids} and, owned by it, the namespaces
     * of {@code otherKinds} ("net", "ipc", "uts"); pins the user namespace at {@code pins.get("user")}
     * and each other kind at its own pin (files created here if missing). On failure nothing stays pinned.
     */
    public static void createPinned(List<String> otherKinds, Map<String, Path> pins, List<Mapping> uids,
            List<Mapping> gids) throws IOException {
        List<String> argv = new ArrayList<>(List.of("unshare", "--user"));
        otherKinds.forEach(kind -> argv.add("--" + kind));
        argv.addAll(List.of("--", "/bin/sh", "-c", "echo ready; read _"));
        Process child = ChildEnvironment.processBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<Path> pinned = new ArrayList<>();
        boolean done = false;
        try (OutputStream release = child.getOutputStream()) {
            awaitReady(child);
            List<String> kinds = new ArrayList<>(List.of("user"));
            kinds.addAll(otherKinds);
            for (String kind : kinds) {
                Path pin = pins.get(kind);
                PrivateFiles.createDirectories(pin.getParent());
                if (!Files.exists(pin)) {
                    PrivateFiles.createFile(pin);
                }
                Mounts.bind(Path.of("/proc", Long.toString(child.pid()), "ns", kind), pin, false);
                pinned.add(pin);
            }
            Path proc = Path.of("/proc", Long.toString(child.pid()));
            Files.writeString(proc.resolve("uid_map"), lines(uids), StandardCharsets.US_ASCII);
            Files.writeString(proc.resolve("gid_map"), lines(gids), StandardCharsets.US_ASCII);
            release.write('\n');
            done = true;
        } finally {
            if (!done) {
                ChildProcess.killTree(child.toHandle());
                for (Path pin : pinned) {
                    Mounts.unmountIfMounted(pin, MountFlags.MNT_DETACH);
                }
            }
            awaitExit(child);
        }
    }

    private static String lines(List<Mapping> mappings) {
        StringBuilder b = new StringBuilder();
        mappings.forEach(m -> b.append(m.line()));
        return b.toString();
    }

    /** The child says "ready" once unshare(2) has run; it says nothing if unshare failed. */
    private static void awaitReady(Process child) throws IOException {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread.ofVirtual().name("userns-ready").start(() -> {
            try {
                line.complete(new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine());
            } catch (IOException e) {
                line.completeExceptionally(e);
            }
        });
        try {
            String got = line.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!"ready".equals(got)) {
                throw new IOException("unshare --user could not create the pod's user namespace (exit "
                        + (child.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) ? child.exitValue() : -1) + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted creating a user namespace");
        } catch (ExecutionException e) {
            throw new IOException("reading from unshare --user: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("unshare --user did not create the pod's user namespace within " + TIMEOUT);
        }
    }

    private static void awaitExit(Process child) throws IOException {
        try {
            if (!child.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                ChildProcess.killTree(child.toHandle());
                child.waitFor();
            }
        } catch (InterruptedException e) {
            ChildProcess.killTree(child.toHandle());
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for unshare --user to exit");
        }
    }
}
