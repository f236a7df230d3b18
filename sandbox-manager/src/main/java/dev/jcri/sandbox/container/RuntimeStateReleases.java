package dev.jcri.sandbox.container;

import dev.jcri.sandbox.util.Ids;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes an exited container's state in its OCI runtime ({@code runc delete}: the runtime's state
 * directory and the container's cgroup) as soon as its exit is recorded, as containerd deletes a
 * task when it exits. The exit is announced (StopContainer returns) once the delete is done, so a
 * stopped container holds no cgroup and RemoveContainer has no runtime process left to run: its
 * runtime step finds nothing ({@link OciRuntime#delete} looks before it forks).
 *
 * <p>Each delete runs on a virtual thread of its own, so that many containers exiting together (a
 * pod stopping) do not queue behind each other. A failed delete is only logged: the teardown of
 * RemoveContainer deletes again (it is idempotent), after waiting for a delete still in progress,
 * so that two runtime processes never work on one container at once.
 */
final class RuntimeStateReleases {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeStateReleases.class);
    /** Longer than the runtime's own command timeout: a delete in progress always ends first. */
    private static final Duration AWAIT_LIMIT = Duration.ofMinutes(2);

    private final Map<String, CompletableFuture<Void>> inProgress = new ConcurrentHashMap<>();

    /**
     * Starts deleting container {@code id}'s runtime state (or joins a delete in progress); runs
     * {@code then} when it is done or failed.
     */
    void release(String id, ContainerRuntime runtime, Runnable then) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> running = inProgress.putIfAbsent(id, done);
        String name = "runtime-release-" + Ids.shortId(id);
        if (running != null) {
            after(running, id, then);
            return;
        }
        Thread.ofVirtual().name(name).start(() -> {
            try {
                runtime.delete(id);
            } catch (IOException | RuntimeException e) {
                LOG.warn("deleting the runtime state of exited container {} failed (RemoveContainer retries): {}",
                        Ids.shortId(id), e.getMessage());
            } finally {
                inProgress.remove(id, done);
                done.complete(null);
                then.run();
            }
        });
    }

    /**
     * Runs {@code then} once a delete of {@code id} in progress is done, or now when none is: a
     * repeated exit report (the watcher may see one exit file twice) must not announce the exit
     * before the first report's delete has finished.
     */
    void afterRelease(String id, Runnable then) {
        CompletableFuture<Void> running = inProgress.get(id);
        if (running == null) {
            then.run();
            return;
        }
        after(running, id, then);
    }

    private static void after(CompletableFuture<Void> running, String id, Runnable then) {
        Thread.ofVirtual().name("runtime-release-" + Ids.shortId(id)).start(() -> {
            running.join(); // never completes exceptionally
            then.run();
        });
    }

    /** Waits for a delete of {@code id} in progress, if any (bounded: a teardown must not hang on it). */
    void awaitInProgress(String id) throws IOException {
        CompletableFuture<Void> running = inProgress.get(id);
        if (running == null) {
            return;
        }
        try {
            running.get(AWAIT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the runtime state of " + id + " to be deleted", e);
        } catch (TimeoutException e) {
            throw new IOException("the runtime state of container " + id + " is still being deleted after "
                    + AWAIT_LIMIT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            // never completed exceptionally; nothing to wait for
        }
    }
}
