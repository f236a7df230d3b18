package dev.jcri.conformance.chaos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the chaos run found, each thing once: a leak seen after restart 3 and still there at the end
 * is one leaked item. Thread-safe (workers report a CreateContainer accepted in a stopped pod).
 */
final class Findings {

    enum Kind {
        /** Something on the host no listed object owns (or left after everything was removed). */
        LEAKED,
        /** An object the daemon answered OK for, never removed, missing after a restart. */
        LOST,
        /** An object whose reported state is false, or a half-made one, or a failed List/Status. */
        WRONG
    }

    /** One finding: {@code key} identifies the thing (so it is counted once); {@code when} says when it was first seen. */
    record Finding(Kind kind, String key, String detail, String when) {}

    private final Map<String, Finding> byKey = new LinkedHashMap<>();

    /** Adds a finding unless one with the same kind and key is there; returns whether it is new. */
    synchronized boolean add(Kind kind, String key, String detail, String when) {
        return byKey.putIfAbsent(kind + " " + key, new Finding(kind, key, detail, when)) == null;
    }

    synchronized int count(Kind kind) {
        return (int) byKey.values().stream().filter(f -> f.kind() == kind).count();
    }

    synchronized List<Finding> of(Kind kind) {
        return byKey.values().stream().filter(f -> f.kind() == kind).toList();
    }

    synchronized List<Finding> all() {
        return new ArrayList<>(byKey.values());
    }
}
