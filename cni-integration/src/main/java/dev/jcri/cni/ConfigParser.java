package dev.jcri.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses network configuration files with libcni's rules: a {@code .conflist} is a list
 * ({@code name}, {@code cniVersion}, {@code plugins}); a {@code .conf}/{@code .json} is one plugin
 * config that gets wrapped into a list of one (carrying its name and version). A .conf that
 * nevertheless contains a {@code plugins} array is read as a list, as CRI-O does, since
 * people do name conflists .conf.
 */
final class ConfigParser {
    private ConfigParser() {}

    /** libcni's rule for network names (they become part of cache file names). */
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.\\-]*");

    static NetworkConfigList parseFile(Path file, byte[] content) throws CniException {
        JsonNode node;
        try {
            node = Json.reader().readTree(content);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CniException("invalid JSON in " + file + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new CniException("cannot read " + file + ": " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new CniException(file + " does not contain a JSON object");
        }
        ObjectNode obj = (ObjectNode) node;
        boolean listFile = file.getFileName().toString().endsWith(".conflist") || obj.has("plugins");
        return listFile ? parseList(obj, file) : wrapSingle(obj, file);
    }

    /** Parses a list object (from a file, or from the cache). */
    static NetworkConfigList parseList(ObjectNode obj, Path source) throws CniException {
        String where = source == null ? "network config list" : source.toString();
        String name = JsonFields.text(obj, "name");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CniException(where + ": missing or invalid network name " + (name == null ? "" : "'" + name + "'"));
        }
        String version = JsonFields.text(obj, "cniVersion");
        if (version == null || version.isEmpty()) {
            version = CniVersions.IMPLICIT;
        }
        JsonNode array = obj.get("plugins");
        if (array == null || !array.isArray() || array.isEmpty()) {
            throw new CniException(where + ": no plugins in network config list '" + name + "'");
        }
        List<NetworkConfigList.Plugin> plugins = new ArrayList<>();
        for (JsonNode p : array) {
            if (!p.isObject()) {
                throw new CniException(where + ": a plugin entry is not an object");
            }
            plugins.add(plugin((ObjectNode) p, where));
        }
        JsonNode disableCheck = obj.get("disableCheck");
        boolean noCheck = disableCheck != null && (disableCheck.asBoolean(false) || "true".equals(disableCheck.asText()));
        return new NetworkConfigList(name, version, noCheck, plugins, obj, source);
    }

    private static NetworkConfigList wrapSingle(ObjectNode conf, Path source) throws CniException {
        ObjectNode list = Json.objectNode();
        if (conf.has("cniVersion")) {
            list.set("cniVersion", conf.get("cniVersion"));
        }
        if (conf.has("name")) {
            list.set("name", conf.get("name"));
        }
        ArrayNode plugins = list.putArray("plugins");
        plugins.add(conf);
        return parseList(list, source);
    }

    private static NetworkConfigList.Plugin plugin(ObjectNode p, String where) throws CniException {
        String type = JsonFields.text(p, "type");
        if (type == null || type.isEmpty() || type.contains("/")) {
            throw new CniException(where + ": a plugin has a missing or invalid 'type'");
        }
        Set<String> caps = new HashSet<>();
        JsonNode c = p.get("capabilities");
        if (c != null && c.isObject()) {
            c.properties().forEach(e -> {
                if (e.getValue().asBoolean(false)) {
                    caps.add(e.getKey());
                }
            });
        }
        return new NetworkConfigList.Plugin(type, p, caps);
    }
}
