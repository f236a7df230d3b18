package dev.jcri.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A parsed network configuration list (single-plugin configs are wrapped into one).
 *
 * @param raw    the list as a JSON object: what the cache stores, so DEL can use exactly the config ADD used
 * @param source the file it came from, null for built-in or cached lists
 */
record NetworkConfigList(String name, String cniVersion, boolean disableCheck, List<Plugin> plugins, ObjectNode raw,
                         Path source) {
    NetworkConfigList {
        plugins = List.copyOf(plugins);
    }

    /**
     * One plugin's config as written (its own keys: type, ipam, capabilities...).
     *
     * @param capabilities the runtime capabilities it declares true ({@code "capabilities": {"portMappings": true}})
     */
    record Plugin(String type, ObjectNode conf, Set<String> capabilities) {
        Plugin {
            capabilities = Set.copyOf(capabilities);
        }
    }
}
