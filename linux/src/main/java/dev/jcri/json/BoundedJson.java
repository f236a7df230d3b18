package dev.jcri.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses JSON that came from outside (a registry's manifests, indexes, configs, token answers) into
 * a tree whose heap stays proportional to a limit, not to the attacker's ingenuity. Each caller
 * names its document's limit beside the parser of that document.
 *
 * <p>Why a token limit on top of the byte limits: a tree costs per token, not per byte. Four MiB
 * of {@code "",} is over a million text nodes, a hundred MB of heap; four MiB of distinct short
 * property names also makes Jackson's name table work for minutes. So the number of tokens is
 * bounded (a large real config has a few thousand), so is nesting, and property names are not
 * canonicalised (that table is for documents with few distinct names, seen again and again).
 */
public final class BoundedJson {

    /** Nesting depth: no document jcri reads from outside needs more than a handful of levels. */
    public static final int MAX_DEPTH = 64;

    private static final Map<Long, ObjectMapper> MAPPERS = new ConcurrentHashMap<>();

    private BoundedJson() {}

    /**
     * @throws IOException when the bytes are not JSON or pass a limit (the message names it)
     */
    public static JsonNode readTree(byte[] json, long maxTokens) throws IOException {
        ObjectMapper mapper = MAPPERS.computeIfAbsent(maxTokens, BoundedJson::mapper);
        try {
            return mapper.readTree(json);
        } catch (StreamConstraintsException e) {
            throw new IOException("over jcri's limit for this document: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectMapper mapper(long maxTokens) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxTokenCount(maxTokens).maxNestingDepth(MAX_DEPTH).build())
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .build();
        return new ObjectMapper(factory);
    }
}
