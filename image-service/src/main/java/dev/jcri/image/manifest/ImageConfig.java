package dev.jcri.image.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jcri.image.error.UnsupportedImageException;
import dev.jcri.image.ref.Digest;
import dev.jcri.json.BoundedJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an OCI / Docker image config that running a container needs, plus the raw JSON.
 * Lists are empty (never null) and strings "" when the config does not set them.
 *
 * @param user the config's USER ("1000", "nobody", "1000:1000", "app:staff"), "" for unset
 * @param env "KEY=value" entries
 * @param volumes paths of declared volumes
 * @param diffIds rootfs.diff_ids: digests of the uncompressed layers, base first
 * @param raw the whole config document as stored
 */
public record ImageConfig(String os, String architecture, String variant, String user, List<String> env,
        List<String> entrypoint, List<String> cmd, String workingDir, List<String> volumes, String stopSignal,
        List<String> exposedPorts, Map<String, String> labels, List<Digest> diffIds, JsonNode raw) {

    /** Tokens of an image config: env, labels, history of every layer, diff_ids. */
    public static final long MAX_TOKENS = 200_000;

    public static ImageConfig parse(byte[] bytes, String what) throws UnsupportedImageException {
        JsonNode root;
        try {
            root = BoundedJson.readTree(bytes, MAX_TOKENS);
        } catch (IOException e) {
            throw new UnsupportedImageException("config of " + what + " cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UnsupportedImageException("config of " + what + " is not a JSON object");
        }
        JsonNode c = root.path("config");
        List<Digest> diffIds = new ArrayList<>();
        for (JsonNode d : root.path("rootfs").path("diff_ids")) {
            try {
                diffIds.add(Digest.parse(d.asText()));
            } catch (Exception e) {
                throw new UnsupportedImageException("config of " + what + " has an invalid diff_id: " + e.getMessage());
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (var e : c.path("Labels").properties()) {
            labels.put(e.getKey(), e.getValue().asText());
        }
        return new ImageConfig(root.path("os").asText(""), root.path("architecture").asText(""),
                root.path("variant").asText(""), c.path("User").asText(""), strings(c.path("Env")),
                strings(c.path("Entrypoint")), strings(c.path("Cmd")), c.path("WorkingDir").asText(""),
                keys(c.path("Volumes")), c.path("StopSignal").asText(""), keys(c.path("ExposedPorts")),
                labels, List.copyOf(diffIds), root);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return List.copyOf(out);
    }

    private static List<String> keys(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.properties().forEach(e -> out.add(e.getKey()));
        return List.copyOf(out);
    }

    /** The user part of USER (before ':'), "" when unset. */
    public String userName() {
        int colon = user.indexOf(':');
        return colon < 0 ? user : user.substring(0, colon);
    }

    /** USER's user as a number when it is one (CRI's ImageStatus uid), else null. */
    public Long numericUid() {
        String u = userName();
        if (u.isEmpty() || !u.chars().allMatch(Character::isDigit) || u.length() > 10) {
            return null;
        }
        return Long.parseLong(u);
    }
}
