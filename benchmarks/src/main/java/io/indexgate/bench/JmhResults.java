package io.indexgate.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The primary results of a JMH JSON result file ({@code -rf json}). */
public final class JmhResults {

    /**
     * One benchmark row.
     *
     * @param benchmark the method, as {@code Class.method} (package dropped)
     * @param params    its parameters, sorted by name
     * @param mode      JMH's mode ({@code thrpt}, {@code avgt}, {@code sample}, {@code ss})
     * @param score     the primary score
     * @param error     the score's 99.9% error margin (NaN if JMH gave none)
     * @param unit      the score's unit
     * @param threads   the benchmark's thread count
     */
    public record Row(String benchmark, Map<String, String> params, String mode, double score, double error,
                      String unit, int threads) {

        /** Higher is better for throughput; lower for the time modes. */
        public boolean higherIsBetter() {
            return "thrpt".equals(mode);
        }

        /** The row's identity across runs: benchmark, mode and parameters. */
        public String key() {
            return benchmark + " [" + mode + "] " + params;
        }

        public String param(String name) {
            return params.get(name);
        }

        /** The parameters as {@code name=value, ...}. */
        public String paramText() {
            StringBuilder text = new StringBuilder();
            params.forEach((name, value) -> text.append(text.length() == 0 ? "" : " ").append(name).append('=')
                    .append(value));
            return text.toString();
        }
    }

    private JmhResults() {
    }

    /**
     * Reads a result file.
     *
     * @throws IOException naming the file if it is missing or not a JMH JSON result list
     */
    public static List<Row> read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException("cannot read the JMH result file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IOException(file + " is not a JMH JSON result file (expected a list of results; run JMH with "
                    + "-rf json)");
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode result : root) {
            JsonNode primary = result.path("primaryMetric");
            if (!result.hasNonNull("benchmark") || !primary.has("score")) {
                throw new IOException(file + " holds a result without benchmark or primaryMetric.score: " + result);
            }
            String benchmark = result.get("benchmark").asText();
            String[] parts = benchmark.split("\\.");
            String shortName = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
            Map<String, String> params = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = result.path("params").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                params.put(field.getKey(), field.getValue().asText());
            }
            double error = primary.path("scoreError").isNumber() ? primary.get("scoreError").asDouble() : Double.NaN;
            rows.add(new Row(shortName, params, result.path("mode").asText(), primary.get("score").asDouble(), error,
                    primary.path("scoreUnit").asText(), result.path("threads").asInt(1)));
        }
        return rows;
    }
}
