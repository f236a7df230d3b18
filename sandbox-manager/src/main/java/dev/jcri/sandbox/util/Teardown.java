package dev.jcri.sandbox.util;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The release of everything an object holds, as one list of idempotent steps that always runs to
 * the end: a step that fails does not stop the next (each releases something different), and the
 * caller forgets the object only when every step succeeded, so that whatever is left is retried by
 * the next removal or the next start instead of being forgotten.
 */
public final class Teardown {

    private static final Logger LOG = LoggerFactory.getLogger(Teardown.class);

    private record Named(String name, Undo.Step step) {}

    private final String what;
    private final List<Named> steps = new ArrayList<>();

    /** @param what the object torn down, for messages ("container 0123abcd") */
    public Teardown(String what) {
        this.what = what;
    }

    public Teardown step(String name, Undo.Step step) {
        steps.add(new Named(name, step));
        return this;
    }

    /**
     * Runs every step in order. Throws when any failed, naming each failure, after all ran; the
     * first failure is the cause.
     */
    public void run() throws IOException {
        List<String> failures = new ArrayList<>();
        Exception first = null;
        for (Named s : steps) {
            try {
                s.step().undo();
            } catch (Exception e) {
                LOG.warn("tearing down {}: {} failed: {}", what, s.name(), e.toString());
                failures.add(s.name() + ": " + e.getMessage());
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw new IOException("could not release everything of " + what + " (" + String.join("; ", failures)
                    + "); the next attempt retries", first);
        }
    }
}
