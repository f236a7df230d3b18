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

    /**
     * The findings of one kind grouped by what they say once IDs, names and numbers are taken
     * out (one line per kind of problem, most frequent first): what a reader looks at first.
     */
    synchronized Map<String, Integer> digest(Kind kind) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Finding f : of(kind)) {
            String shape = f.detail().replaceAll("[0-9a-f]{12,}", "ID").replaceAll("\\bw\\d+-[pc]\\d+\\b", "NAME")
                    .replaceAll("\\d+", "N");
            counts.merge(shape.length() > 160 ? shape.substring(0, 160) + "..." : shape, 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        Map<String, Integer> digest = new LinkedHashMap<>();
        sorted.forEach(e -> digest.put(e.getKey(), e.getValue()));
        return digest;
    }
}
