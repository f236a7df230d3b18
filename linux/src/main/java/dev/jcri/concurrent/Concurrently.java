package dev.jcri.concurrent;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Independent steps of one call run at the same time (each on a virtual thread, the last on the
 * caller's), for calls whose steps mostly wait on child processes (CNI plugins, a process's death).
 * It waits for every step, even when one fails: a step that fails must not leave another
 * unstarted or running unobserved (cleanup paths retry the whole call). The first failure in the
 * items' order is thrown, later ones attached as suppressed. An interrupt does not cut the wait
 * (the steps run on regardless, each bounded by its own timeout); it is restored at the end.
 */
public final class Concurrently {

    /** One step, on one item. */
    @FunctionalInterface
    public interface Step<T> {
        void run(T item) throws IOException;
    }

    /** A step without an item. */
    @FunctionalInterface
    public interface Task {
        void run() throws IOException;
    }

    private Concurrently() {}

    /** Runs every task at once and waits for all. */
    public static void run(List<Task> tasks) throws IOException {
        forEach(tasks, Task::run);
    }

    /** Runs {@code step} on every item at once and waits for all. */
    public static <T> void forEach(List<T> items, Step<T> step) throws IOException {
        List<Future<Void>> started = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            T item = items.get(i);
            FutureTask<Void> task = new FutureTask<>(() -> {
                step.run(item);
                return null;
            });
            if (i < items.size() - 1) {
                Thread.ofVirtual().name("concurrent-step").start(task);
            } else {
                task.run();
            }
            started.add(task);
        }
        Throwable failure = null;
        boolean interrupted = false;
        for (Future<Void> f : started) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the plugins run anyway (bounded by their timeout): wait, then restore
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        switch (failure) {
            case null -> { }
            case IOException io -> throw io;
            case RuntimeException re -> throw re;
            case Error er -> throw er;
            default -> throw new IOException(failure);
        }
    }
}
