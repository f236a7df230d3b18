package dev.jcri.conformance.bench;

import dev.jcri.conformance.CriClient;

/**
 * One column of the report: a runtime and the handler its pods name ({@code ""}: the runtime's
 * default, runc for both; {@code "crun"}: jcri's second handler).
 */
public record Target(String label, BenchRuntime runtime, String handler) {

    public CriClient cri() {
        return runtime.client();
    }

    @Override
    public String toString() {
        return label;
    }
}
