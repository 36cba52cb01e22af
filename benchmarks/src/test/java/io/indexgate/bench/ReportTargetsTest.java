package io.indexgate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The targets table of issue 14 from generated results: a run that meets every target is all "yes", the same run with
 * each figure on the wrong side of its bound is all "no", and a run without the inputs says "–", never "yes".
 */
class ReportTargetsTest {

    @TempDir
    Path dir;

    private static JmhResults.Row row(String benchmark, String mode, double score, String unit, String... params) {
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < params.length; i += 2) {
            map.put(params[i], params[i + 1]);
        }
        return new JmhResults.Row(benchmark, map, mode, score, Double.NaN, unit, 1);
    }

    /**
     * Results where every ratio is {@code good ? on the good side : on the bad side} of its bound; facts give 100 MB
     * files, recall 0.995 and C++ hnswlib at 1,000 queries/s.
     */
    private Report report(boolean good, boolean gateValid) throws IOException {
        Path facts = Files.createDirectories(dir.resolve("facts"));
        for (String engine : List.of("hnswlib", "usearch")) {
            for (String dims : List.of("128", "768")) {
                Files.writeString(facts.resolve(engine + "-n100000-d" + dims + ".json"),
                        "{\"fileBytes\": 100000000, \"recall10\": 0.995}");
            }
        }
        Files.writeString(facts.resolve("cpp-hnswlib-n100000-d128.json"), "{\"qps\": 1000, \"recall10\": 0.995}");
        List<JmhResults.Row> rows = new ArrayList<>();
        for (String engine : List.of("hnswlib", "usearch")) {
            for (String dims : List.of("128", "768")) {
                rows.add(row("RawWriteBaseline.write", "ss", 100, "ms/op", "engine", engine, "size", "100000",
                        "dims", dims));
                rows.add(row("SaveBenchmark.save", "ss", good ? 130 : 150, "ms/op", "engine", engine, "size",
                        "100000", "dims", dims, "mode", "ATOMIC"));
                rows.add(row("SaveBenchmark.save", "ss", good ? 128 : 135, "ms/op", "engine", engine, "size",
                        "100000", "dims", dims, "mode", "DIRECT"));
                rows.add(row("LoadBenchmark.load", "ss", good ? 200 : 300, "ms/op", "engine", engine, "size",
                        "100000", "dims", dims));
            }
            rows.add(row("SearchBenchmark.oneThread", "thrpt", good ? 1600 : 350, "ops/s", "engine", engine, "size",
                    "100000", "dims", "128"));
            rows.add(row("StoreQueryBenchmark.query", "thrpt", 1000, "ops/s", "engine", engine, "path", "engine",
                    "size", "100000", "dims", "128"));
            rows.add(row("StoreQueryBenchmark.query", "thrpt", good ? 900 : 800, "ops/s", "engine", engine, "path",
                    "store", "size", "100000", "dims", "128"));
            rows.add(row("StoreQueryBenchmark.query", "thrpt", good ? 500 : 350, "ops/s", "engine", engine, "path",
                    "storeFiltered", "size", "100000", "dims", "128"));
            rows.add(row("RecoveryBenchmark.recover", "ss", good ? 900 : 1100, "ms/op", "engine", engine, "pending",
                    "10000", "size", "10000", "dims", "128"));
        }
        Path gate = dir.resolve("gate.json");
        Files.writeString(gate, "{\"verdict\": \"" + (gateValid ? "valid" : "invalid") + "\", \"cyclesPerMinute\": "
                + (good ? 130 : 110) + "}");
        return new Report(rows, facts, gate);
    }

    private static List<String> verdicts(Report report) {
        return report.targets().stream().map(target -> target[target.length - 1]).toList();
    }

    @Test
    void everyTargetOfTheIssueIsARowAndAGoodRunMeetsThemAll() throws IOException {
        List<String[]> targets = report(true, true).targets();
        assertEquals(17, targets.size(), "rows of the issue's table, per engine and size");
        targets.forEach(target -> assertEquals("yes", target[4], String.join(" | ", target)));
    }

    @Test
    void aRunOnTheWrongSideOfEveryBoundMeetsNone() throws IOException {
        List<String[]> targets = report(false, true).targets();
        targets.forEach(target -> assertEquals("no", target[4], String.join(" | ", target)));
    }

    @Test
    void missingInputsAreNeverMet() throws IOException {
        Report empty = new Report(List.of(), Files.createDirectories(dir.resolve("none")), dir.resolve("absent.json"));
        List<String> verdicts = verdicts(empty);
        assertEquals(17, verdicts.size());
        assertTrue(verdicts.stream().allMatch("–"::equals), verdicts.toString());
        List<String> invalidGate = verdicts(report(true, false));
        assertEquals("–", invalidGate.get(invalidGate.size() - 1), "an invalid campaign's speed does not count");
    }

    @Test
    void theMarkdownCarriesTheTableWithItsMetColumn() throws IOException {
        String markdown = report(true, true).markdown();
        assertTrue(markdown.contains("| what | 2026-11-24 | measured | target | met |"), markdown);
        assertTrue(markdown.contains("gate: crash-restart-check cycles per minute"), markdown);
        assertTrue(report(true, true).svg().contains("C++ hnswlib 100000×128 1t"), "the baseline bar");
    }
}
