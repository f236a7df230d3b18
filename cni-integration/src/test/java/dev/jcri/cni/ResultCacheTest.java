package dev.jcri.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {
    @TempDir
    Path dir;

    private static ResultCache.Entry entry(String net, String id, String ifName, boolean complete) throws Exception {
        ObjectNode config = (ObjectNode) Json.reader().readTree("{\"cniVersion\":\"1.0.0\",\"name\":\"" + net
                + "\",\"plugins\":[{\"type\":\"bridge\"}]}");
        return new ResultCache.Entry(ResultCache.KIND, id, net, ifName, "/run/netns/" + id, "ns", "pod", "uid", config,
                Json.objectNode().put("cgroupPath", "/x"),
                complete ? Json.reader().readTree("{\"cniVersion\":\"1.0.0\",\"ips\":[]}") : null, complete);
    }

    @Test
    void roundTripsAndListsByContainer() throws Exception {
        ResultCache cache = new ResultCache(dir);
        assertEquals(List.of(), cache.all(), "no directory yet");
        ResultCache.Entry a = entry("k8s", "aaa", "eth0", false);
        cache.put(a);
        assertEquals(a, cache.get("k8s", "aaa", "eth0").orElseThrow());
        assertTrue(Files.exists(dir.resolve("results/k8s-aaa-eth0")), "libcni's naming");

        ResultCache.Entry done = entry("k8s", "aaa", "eth0", true);
        cache.put(done); // replaces atomically
        cache.put(entry("cni-loopback", "aaa", "lo", true));
        cache.put(entry("k8s", "bbb", "eth0", true));
        assertEquals(done, cache.get("k8s", "aaa", "eth0").orElseThrow());
        assertEquals(2, cache.forContainer("aaa").size());
        assertEquals(3, cache.all().size());

        cache.remove(done);
        assertEquals(1, cache.forContainer("aaa").size());
    }

    @Test
    void unreadableAndTempFilesAreSkipped() throws Exception {
        ResultCache cache = new ResultCache(dir);
        cache.put(entry("k8s", "aaa", "eth0", true));
        Files.writeString(dir.resolve("results/k8s-bad-eth0"), "{ truncated");
        Files.writeString(dir.resolve("results/.tmp-k8s-x-eth0-123"), "{}");
        Files.writeString(dir.resolve("results/libcni-style"), "{\"kind\":\"cniCacheV1\",\"containerId\":\"c\"}");
        assertEquals(1, cache.all().size());
    }
}
