package dev.jcri.sandbox.container;

import java.util.List;

/**
 * A container's OCI runtime spec, ready for its bundle, with what the life cycle needs from it.
 *
 * @param configJson   config.json bytes
 * @param stopSignal   the signal StopContainer sends first
 * @param imageVolumes image VOLUME paths no request mount covers (created empty in the writable layer)
 */
public record RenderedSpec(byte[] configJson, int stopSignal, List<String> imageVolumes) {}
