package dev.jcri.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * jcri's one JSON configuration, for its own records (pods, containers, snapshots, images, CNI
 * results) and for what cooperating programs print (runc, crun, conmon, CNI plugins, seccomp
 * profiles). Documents a registry sends go through {@link BoundedJson}, which also bounds their tree.
 *
 * <p>Unknown properties are ignored: a record written by a newer jcri, or the state a newer runtime
 * prints, must still load. Only immutable readers and writers are handed out, never the mapper, so
 * that no caller can reconfigure what every module shares (turning on polymorphic typing in one
 * place would make every record file a deserialization gadget).
 */
public final class Json {
    private Json() {}

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectReader READER = MAPPER.reader();
    private static final ObjectWriter WRITER = MAPPER.writer();
    private static final ObjectWriter PRETTY = MAPPER.writerWithDefaultPrettyPrinter();

    /** Reads trees ({@code readTree}) and values ({@code readValue(bytes, Type.class)}). */
    public static ObjectReader reader() {
        return READER;
    }

    /** Writes compact JSON: what programs read (runtime arguments, plugin stdin, CRI info maps). */
    public static ObjectWriter writer() {
        return WRITER;
    }

    /** Writes indented JSON: files a human may read on a node (a bundle's config.json, state files). */
    public static ObjectWriter prettyWriter() {
        return PRETTY;
    }

    public static ObjectNode objectNode() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode arrayNode() {
        return JsonNodeFactory.instance.arrayNode();
    }
}
