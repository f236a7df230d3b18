package dev.jcri.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The suite's one ObjectMapper (Jackson's defaults; thread-safe once built). The suite is a CRI
 * client that sees only the {@code api} module, as it must to test another runtime too, so it does
 * not share the daemon's {@code dev.jcri.json.Json}.
 */
public final class Json {
    private Json() {}

    public static final ObjectMapper MAPPER = new ObjectMapper();
}
