package io.indexgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.indexgate.engine.Engines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Keeps the benchmarks from rotting: the quick profile runs every benchmark once, and the result file, the report,
 * the chart and the regression gate are checked for content. Nothing here is about speed.
 */
class BenchmarksQuickTest {

    @TempDir
    static Path dir;
    static Path results;
    static List<JmhResults.Row> rows;

    @BeforeAll
    static void runQuickProfile() throws Exception {
        results = dir.resolve("quick.json");
        Quick.run(results);
        rows = JmhResults.read(results);
    }

    @Test
    void everyBenchmarkProducedAPositiveFiniteScoreForEveryEngineOfThisBuild() {
        Set<String> declared = BenchmarkList.defaultList()
                .getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of())
                .stream().map(BenchmarkListEntry::getUsername)
                .map(name -> name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1))
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(declared.size() >= 8, "the generated benchmark list: " + declared);
        Set<String> ran = rows.stream().map(JmhResults.Row::benchmark).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(declared, ran, "every declared benchmark ran");
        for (JmhResults.Row row : rows) {
            assertTrue(Double.isFinite(row.score()) && row.score() > 0, "score of " + row.key());
        }
        boolean usearch = Engines.isAvailable("usearch");
        assertEquals(6, rows.stream().filter(r -> r.benchmark().equals("SaveBenchmark.save")).count(),
                "save: engines x three persistence modes");
        Set<String> searched = rows.stream().filter(r -> r.benchmark().startsWith("SearchBenchmark"))
                .map(r -> r.param("engine")).collect(Collectors.toSet());
        assertEquals(usearch ? Set.of("hnswlib", "usearch", "exact") : Set.of("hnswlib", "exact"), searched);
    }

    @Test
    void recallWasMeasuredAgainstTheGroundTruthForEverySearchedIndex() {
        for (JmhResults.Row row : rows) {
            if (row.benchmark().startsWith("SearchBenchmark")) {
                Map<String, Object> facts = Facts.read(Facts.indexKey(row.param("engine"), 2000, 16));
                assertTrue(facts.get("recall10") instanceof Number, row.key() + ": " + facts);
                double recall = ((Number) facts.get("recall10")).doubleValue();
                assertTrue(recall >= 0.95 && recall <= 1.0, row.key() + " recall " + recall);
                assertTrue(((Number) facts.get("fileBytes")).longValue() > 2000L * 16 * 4, "file size " + facts);
            }
        }
    }

    @Test
    void theReportAndTheChartCarryEveryGroup() throws Exception {
        assertEquals(0, Report.run(new String[] {results.toString()}));
        String markdown = Files.readString(dir.resolve("quick.md"));
        for (String section : List.of("## Save", "## Load", "## Recovery", "## Search", "## Store-level query",
                "## Add", "## Targets")) {
            assertTrue(markdown.contains(section), section + " in\n" + markdown);
        }
        assertTrue(markdown.contains("| hnswlib | 2000×16 |"), markdown);
        String svg = Files.readString(dir.resolve("quick.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("Save throughput") && svg.contains("<rect"), svg);
        assertTrue(svg.split("<rect").length > 20, "one bar per result");
    }

    @Test
    void compareAcceptsTheSameResultsAndCatchesARegressionEitherWay() throws Exception {
        assertEquals(0, compare(results, results).exit);

        // Negative controls: a save that takes 1.5 times as long, a search with half the throughput.
        ObjectMapper json = new ObjectMapper();
        ArrayNode slower = (ArrayNode) json.readTree(results.toFile());
        ArrayNode fewer = slower.deepCopy();
        doctor(slower, "SaveBenchmark.save", 1.5);
        doctor(fewer, "SearchBenchmark.oneThread", 0.5);
        Path slowerFile = dir.resolve("slower.json");
        Path fewerFile = dir.resolve("fewer.json");
        json.writeValue(slowerFile.toFile(), slower);
        json.writeValue(fewerFile.toFile(), fewer);

        Outcome slowSave = compare(results, slowerFile);
        assertEquals(1, slowSave.exit, slowSave.out);
        assertTrue(slowSave.out.contains("REGRESSED") && slowSave.out.contains("SaveBenchmark.save"), slowSave.out);
        Outcome lessSearch = compare(results, fewerFile);
        assertEquals(1, lessSearch.exit, lessSearch.out);
        // The other way round the change is an improvement, not a regression.
        assertEquals(0, compare(slowerFile, results).exit);
        // A per-benchmark threshold above the change lets it through; one below catches it.
        assertEquals(0, compare(results, slowerFile, "--threshold", "SaveBenchmark=99").exit);
        assertEquals(1, compare(results, slowerFile, "--threshold", "99", "--threshold", "Save.*DIRECT=5").exit);
        // Bad input names what was wrong.
        Outcome missing = compare(results, dir.resolve("nope.json"));
        assertEquals(2, missing.exit);
        assertTrue(missing.err.contains("nope.json"), missing.err);
        assertEquals(2, compare(results, results, "--threshold", "ten").exit);
    }

    private static void doctor(ArrayNode results, String benchmark, double factor) {
        for (var result : results) {
            if (result.get("benchmark").asText().endsWith(benchmark)) {
                ObjectNode primary = (ObjectNode) result.get("primaryMetric");
                primary.put("score", primary.get("score").asDouble() * factor);
            }
        }
    }

    private record Outcome(int exit, String out, String err) {
    }

    private static Outcome compare(Path baseline, Path current, String... options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[options.length + 2];
        args[0] = baseline.toString();
        args[1] = current.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        int exit = Compare.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertFalse(!out.toString(StandardCharsets.UTF_8).isEmpty() && exit == 2, "bad input prints no table");
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
