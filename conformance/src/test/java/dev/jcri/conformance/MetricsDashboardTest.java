package dev.jcri.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import runtime.v1.Api;

/**
 * The Grafana dashboard in deploy/grafana: it loads as Grafana's JSON dashboard model (the fields
 * Grafana requires, panels on its 24-column grid without overlap, every variable defined) and
 * every metric it queries is one the running daemon exports, so it cannot silently go blank.
 */
@ExtendWith(SharedRuntime.class)
class MetricsDashboardTest {

    private static final Path DASHBOARD = Path.of(System.getProperty("jcri.dashboard", "../deploy/grafana/jcri-dashboard.json"));
    private static final Set<String> PANEL_TYPES = Set.of("timeseries", "stat", "gauge", "bargauge", "table", "text", "row",
            "heatmap");
    private static final Set<String> BUILTIN_VARIABLES = Set.of("__rate_interval", "__interval", "__range");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)");
    private static final Pattern METRIC = Pattern.compile("\\b((?:jcri|jvm)_[a-z0-9_]+)\\b");

    private static JsonNode dashboard() throws Exception {
        return Json.MAPPER.readTree(Files.readString(DASHBOARD));
    }

    @Test
    void isAGrafanaDashboardModel() throws Exception {
        JsonNode d = dashboard();
        assertTrue(d.path("uid").asText().matches("[A-Za-z0-9_-]{1,40}"), "uid");
        assertFalse(d.path("title").asText().isBlank(), "title");
        assertTrue(d.path("schemaVersion").isInt() && d.path("schemaVersion").asInt() >= 36, "schemaVersion");
        assertTrue(d.path("panels").isArray() && !d.path("panels").isEmpty(), "panels");
        assertTrue(d.path("time").has("from") && d.path("time").has("to"), "time");

        Set<String> variables = new HashSet<>(BUILTIN_VARIABLES);
        for (JsonNode v : d.path("templating").path("list")) {
            assertFalse(v.path("name").asText().isBlank() || v.path("type").asText().isBlank(), v.toString());
            variables.add(v.path("name").asText());
        }
        Set<Integer> ids = new HashSet<>();
        List<int[]> cells = new ArrayList<>();
        for (JsonNode p : d.path("panels")) {
            String where = "panel " + p.path("title").asText();
            assertTrue(p.path("id").isInt() && ids.add(p.path("id").asInt()), where + ": a unique integer id");
            assertTrue(PANEL_TYPES.contains(p.path("type").asText()), where + ": type " + p.path("type"));
            assertFalse(p.path("title").asText().isBlank());
            JsonNode g = p.path("gridPos");
            int x = g.path("x").asInt(-1);
            int y = g.path("y").asInt(-1);
            int w = g.path("w").asInt(0);
            int h = g.path("h").asInt(0);
            assertTrue(x >= 0 && y >= 0 && w >= 1 && h >= 1 && x + w <= 24, where + ": gridPos " + g);
            for (int[] other : cells) {
                boolean apart = x + w <= other[0] || other[0] + other[2] <= x || y + h <= other[1] || other[1] + other[3] <= y;
                assertTrue(apart, where + " overlaps another panel");
            }
            cells.add(new int[] {x, y, w, h});
            Set<String> refIds = new HashSet<>();
            assertFalse(p.path("targets").isEmpty(), where + ": no query");
            for (JsonNode t : p.path("targets")) {
                assertTrue(refIds.add(t.path("refId").asText()) && !t.path("refId").asText().isEmpty(), where + ": refId");
                assertFalse(t.path("expr").asText().isBlank(), where + ": expr");
                for (String text : List.of(t.path("expr").asText(), t.path("datasource").path("uid").asText(),
                        p.path("datasource").path("uid").asText())) {
                    Matcher m = VARIABLE.matcher(text);
                    while (m.find()) {
                        assertTrue(variables.contains(m.group(1)), where + ": undefined variable $" + m.group(1));
                    }
                }
            }
        }
    }

    @Test
    void everyQueriedMetricIsExportedByTheDaemon(CriClient cri, JcriProcess jcri) throws Exception {
        // a failed pull makes the failure counters exist (no image is pulled: other tests count the node's images)
        try {
            cri.images().pullImage(Api.PullImageRequest.newBuilder()
                    .setImage(Api.ImageSpec.newBuilder().setImage("127.0.0.1:1/never/there:1")).build());
        } catch (io.grpc.StatusRuntimeException expected) {
            // a failed pull, so the failure counters exist
        }
        // a pod started makes the per-step RunPodSandbox timers exist
        java.nio.file.Path logs = java.nio.file.Files.createTempDirectory("jcri-dashboard");
        Pods.stopAndRemove(cri, Pods.run(cri, Containers.pod("dashboard", false, Api.NamespaceMode.POD, logs)));
        java.nio.file.Files.delete(logs);
        String address = Deadline.await("metrics address in the log", Duration.ofSeconds(10),
                () -> jcri.metricsAddress().orElse(null));
        String scrape;
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            scrape = response.body();
        }
        Set<String> exported = new HashSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        Set<String> missing = new TreeSet<>();
        for (JsonNode p : dashboard().path("panels")) {
            for (JsonNode t : p.path("targets")) {
                Matcher m = METRIC.matcher(t.path("expr").asText());
                while (m.find()) {
                    if (!exported.contains(m.group(1))) {
                        missing.add(m.group(1));
                    }
                }
            }
        }
        assertEquals(Set.of(), missing, "queried by the dashboard, not exported by jcri");
        assertTrue(scrape.contains("jcri_pods{state=\"ready\"}"), "pods by state");
        assertTrue(scrape.contains("jcri_conmon_processes"), "conmon alive");
    }
}
