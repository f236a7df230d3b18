package dev.jcri.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a network configuration list's plugins for one command, in the order the spec sets:
 * ADD, CHECK and STATUS forward (each ADD gets the previous plugin's result as prevResult), DEL in
 * reverse with the cached result as prevResult (from spec 0.4.0 on, as libcni does).
 */
final class ChainRunner {
    private final PluginInvoker invoker;

    ChainRunner(PluginInvoker invoker) {
        this.invoker = invoker;
    }

    /** Returns the last plugin's result (the network's result). */
    JsonNode add(NetworkConfigList list, PluginInvoker.Call call, ObjectNode capabilityArgs) throws IOException {
        JsonNode prev = null;
        for (NetworkConfigList.Plugin p : list.plugins()) {
            JsonNode result = invoker.exec(p.type(), call,
                    CapabilityArgs.pluginStdin(list, p, capabilityArgs, prev));
            if (result == null) {
                throw new CniException(p.type(), "ADD", CniException.CODE_NONE,
                        "exited 0 without printing a result (network " + list.name() + ")", null);
            }
            if (result.has("code") && result.has("msg") && !result.has("cniVersion")) {
                // Some plugins print an error object and still exit 0; don't take it for a result.
                throw new CniException(p.type(), "ADD", result.path("code").asInt(), JsonFields.text(result, "msg"),
                        JsonFields.text(result, "details"));
            }
            prev = result;
        }
        return prev;
    }

    /**
     * Runs every plugin's DEL even when one fails (a later plugin may own an IP or rule that must
     * still be freed), then throws the first failure with the others suppressed.
     */
    void del(NetworkConfigList list, PluginInvoker.Call call, ObjectNode capabilityArgs, JsonNode cachedResult)
            throws IOException {
        JsonNode prev = CniVersions.atLeast(list.cniVersion(), "0.4.0") ? cachedResult : null;
        List<NetworkConfigList.Plugin> reversed = new ArrayList<>(list.plugins()).reversed();
        IOException failure = null;
        for (NetworkConfigList.Plugin p : reversed) {
            try {
                invoker.exec(p.type(), call, CapabilityArgs.pluginStdin(list, p, capabilityArgs, prev));
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    void check(NetworkConfigList list, PluginInvoker.Call call, ObjectNode capabilityArgs, JsonNode cachedResult)
            throws IOException {
        if (!CniVersions.atLeast(list.cniVersion(), "0.4.0")) {
            throw new CniException(null, "CHECK", CniException.CODE_INCOMPATIBLE_VERSION,
                    "network " + list.name() + " has cniVersion " + list.cniVersion() + ", CHECK needs 0.4.0 or later", null);
        }
        if (list.disableCheck()) {
            return;
        }
        if (cachedResult == null) {
            throw new CniException("no cached result for network " + list.name() + ": CHECK needs a completed ADD");
        }
        for (NetworkConfigList.Plugin p : list.plugins()) {
            invoker.exec(p.type(), call, CapabilityArgs.pluginStdin(list, p, capabilityArgs, cachedResult));
        }
    }

    /** CNI 1.1 STATUS; a no-op for older config versions, whose plugins don't know the command. */
    void status(NetworkConfigList list) throws IOException {
        if (!CniVersions.atLeast(list.cniVersion(), "1.1.0")) {
            return;
        }
        PluginInvoker.Call call = new PluginInvoker.Call("STATUS", null, null, null, null);
        ObjectNode none = Json.objectNode();
        for (NetworkConfigList.Plugin p : list.plugins()) {
            invoker.exec(p.type(), call, CapabilityArgs.pluginStdin(list, p, none, null));
        }
    }

    /** The spec versions a plugin binary supports (VERSION command). */
    List<String> supportedVersions(String type, String configVersion) throws IOException {
        ObjectNode stdin = Json.objectNode().put("cniVersion", configVersion);
        JsonNode out = invoker.exec(type, new PluginInvoker.Call("VERSION", null, null, null, null),
                Json.writer().writeValueAsBytes(stdin));
        if (out == null) {
            throw new CniException(type, "VERSION", CniException.CODE_NONE, "printed nothing", null);
        }
        List<String> versions = JsonFields.strings(out, "supportedVersions");
        if (versions.isEmpty()) {
            // Plugins from before spec 0.3.0 answered only "cniVersion".
            String v = JsonFields.text(out, "cniVersion");
            if (v != null) {
                versions.add(v);
            }
        }
        return versions;
    }
}
