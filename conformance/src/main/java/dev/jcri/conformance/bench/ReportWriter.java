package dev.jcri.conformance.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jcri.conformance.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report: a markdown table per group (one row per measure; a column per target; ratios of each
 * jcri column to the baseline) and the same as JSON, with every repeat's value.
 */
public final class ReportWriter {

    private final Results results;
    private final List<String> targets;
    private final String baseline;
    private final Map<String, Object> meta;

    /** {@code baseline}: the label ratios divide by (null: no ratios). */
    public ReportWriter(Results results, List<String> targets, String baseline, Map<String, Object> meta) {
        this.results = results;
        this.targets = List.copyOf(targets);
        this.baseline = baseline != null && targets.contains(baseline) ? baseline : null;
        this.meta = new LinkedHashMap<>(meta);
    }

    private List<String> compared() {
        return baseline == null ? List.of() : targets.stream().filter(t -> !t.equals(baseline)).toList();
    }

    public double ratio(String key, String target) {
        double base = results.median(key, baseline);
        double value = results.median(key, target);
        return base == 0 || Double.isNaN(base) || Double.isNaN(value) ? Double.NaN : value / base;
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Medians over ").append(meta.get("repeats")).append(" repeat(s); ")
                .append(meta.get("machine")).append("; ").append(meta.get("date")).append(".\n");
        md.append("Runtimes: ").append(meta.get("versions")).append(".\n");
        Map<String, List<Results.Measure>> groups = new LinkedHashMap<>();
        for (Results.Measure m : results.measures()) {
            groups.computeIfAbsent(m.group(), g -> new ArrayList<>()).add(m);
        }
        for (Map.Entry<String, List<Results.Measure>> g : groups.entrySet()) {
            md.append("\n**").append(g.getKey()).append("**\n\n| measure |");
            targets.forEach(t -> md.append(' ').append(t).append(" |"));
            compared().forEach(t -> md.append(' ').append(t).append(" / ").append(baseline).append(" |"));
            md.append("\n|---|");
            targets.forEach(t -> md.append("---:|"));
            compared().forEach(t -> md.append("---:|"));
            md.append('\n');
            for (Results.Measure m : g.getValue()) {
                md.append("| ").append(m.label()).append(" (").append(m.unit()).append(") |");
                for (String t : targets) {
                    md.append(' ').append(format(results.median(m.key(), t))).append(" |");
                }
                for (String t : compared()) {
                    double r = ratio(m.key(), t);
                    md.append(' ').append(Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f", r)).append(" |");
                }
                md.append('\n');
            }
        }
        return md.toString();
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        double a = Math.abs(v);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, f, v);
    }

    public String json() {
                ObjectNode root = Json.MAPPER.createObjectNode();
        root.set("meta", Json.MAPPER.valueToTree(meta));
        ArrayNode ts = root.putArray("targets");
        targets.forEach(ts::add);
        if (baseline != null) {
            root.put("baseline", baseline);
        }
        ArrayNode ms = root.putArray("measures");
        for (Results.Measure m : results.measures()) {
            ObjectNode n = ms.addObject();
            n.put("key", m.key()).put("label", m.label()).put("unit", m.unit()).put("group", m.group());
            ObjectNode median = n.putObject("median");
            ObjectNode repeats = n.putObject("repeats");
            for (String t : targets) {
                double v = results.median(m.key(), t);
                if (!Double.isNaN(v)) {
                    median.put(t, v);
                    ArrayNode r = repeats.putArray(t);
                    results.repeats(m.key(), t).forEach(r::add);
                }
            }
            if (baseline != null) {
                ObjectNode ratio = n.putObject("ratio_to_baseline");
                for (String t : compared()) {
                    double r = ratio(m.key(), t);
                    if (!Double.isNaN(r)) {
                        ratio.put(t, r);
                    }
                }
            }
        }
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
