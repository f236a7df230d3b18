package dev.jcri.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Lenient field reads on the JSON that plugins print and configs hold: a field of the wrong type
 * reads as absent, which the callers then report by name (parsing is {@link dev.jcri.json.Json}'s).
 */
final class JsonFields {
    private JsonFields() {}

    /** A text field, or null when absent, null or not text. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = node == null ? null : node.get(field);
        if (v != null && v.isArray()) {
            v.forEach(e -> {
                if (e.isTextual()) {
                    out.add(e.asText());
                }
            });
        }
        return out;
    }
}
