package dev.jcri.sandbox.util;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The undo steps of a multi-step operation: each step that acquires something registers how to
 * release it; if the operation fails, {@link #run()} releases everything in reverse order, and a
 * failing undo step never stops the others. On success call {@link #commit()}.
 */
public final class Undo implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Undo.class);

    /** One release action; may throw, it is logged and the remaining steps still run. */
    @FunctionalInterface
    public interface Step {
        void undo() throws Exception;
    }

    private final String operation;
    private final Deque<Step> steps = new ArrayDeque<>();
    private boolean committed;

    public Undo(String operation) {
        this.operation = operation;
    }

    public void add(Step step) {
        steps.push(step);
    }

    public void commit() {
        committed = true;
        steps.clear();
    }

    /** Runs the registered steps, newest first, unless committed. */
    public void run() {
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            try {
                step.undo();
            } catch (Exception e) {
                LOG.warn("undo of {} failed: {}", operation, e.toString());
            }
        }
    }

    @Override
    public void close() {
        if (!committed) {
            run();
        }
    }
}
