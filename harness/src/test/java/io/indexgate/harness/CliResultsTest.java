package io.indexgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.indexgate.harness.cli.IndexgateCli;
import io.indexgate.harness.history.Histories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the real CLI: each campaign's results go to a directory of their own with a {@code latest} link, failing
 * runs' histories and logs inside it; {@code merge} combines the shards of one campaign into one verdict and refuses
 * shards of different campaigns.
 */
class CliResultsTest {

    @TempDir
    Path directory;

    private int shard(int index, long seed) {
        return IndexgateCli.execute("run", "--mode", "direct", "--scenario", "halt-after-first-chunk", "--scenario",
                "move-fails", "--shard", index + "/2", "--seed", Long.toString(seed), "--cycles", "1", "--ops", "12",
                "--work-dir", directory.resolve("work-" + index + "-" + seed).toString(),
                "--report-dir", directory.resolve("report-" + index).toString());
    }

    /** Parses the HTML report: every run in the table with a timeline, every violation listed, nothing fetched. */
    private static void assertHtmlReportShowsEveryRunAndViolation(Path html, JsonNode verdict) throws Exception {
        Document page = Jsoup.parse(html.toFile(), "UTF-8");
        assertEquals(verdict.get("summary").asText(), page.getElementById("verdict").text());
        assertTrue(page.select("script, link, img, iframe, [src]").isEmpty(), "self-contained");
        Elements rows = page.select("table#runs tr[id^=run-]");
        assertEquals(verdict.get("runs").size(), rows.size());
        for (JsonNode run : verdict.get("runs")) {
            String scenario = run.get("scenario").asText();
            assertEquals(1, rows.stream().filter(row -> row.child(0).text().equals(scenario)).count(), scenario);
            Element section = page.select("section.run").stream()
                    .filter(candidate -> candidate.selectFirst("h2").text().startsWith(scenario + " on ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no timeline for " + scenario));
            assertEquals(1, section.select("svg.timeline").size(), scenario);
            assertTrue(section.select("svg rect.op").size() > 0, "operations drawn for " + scenario);
            for (JsonNode violation : run.get("violations")) {
                String message = violation.get("message").asText();
                assertTrue(section.select("ul.violations li").stream().anyMatch(li -> li.text().contains(message)),
                        "violation listed: " + message);
            }
            if (run.get("violations").size() > 0) {
                assertTrue(section.select("svg rect.violation").size() > 0, "the violating cycle is marked");
                assertTrue(section.select("svg circle.fault").size() > 0, "the fault is marked");
            }
        }
    }

    @Test
    void campaignsKeepTheirResultsAndShardsMergeIntoOneVerdict() throws Exception {
        assertEquals(1, shard(1, 9), "shard 1: halt-after-first-chunk tears the file in DIRECT mode");
        assertEquals(0, shard(2, 9), "shard 2: move-fails is never reached in DIRECT mode (no rename)");

        Path latest = directory.resolve("report-1/latest");
        assertTrue(Files.isSymbolicLink(latest));
        Path results = latest.toRealPath();
        assertTrue(results.getFileName().toString().endsWith("-seed9"), results.toString());
        for (String file : List.of("verdict.json", "junit.xml", "summary.txt", "index.html")) {
            assertTrue(Files.isRegularFile(results.resolve(file)), file);
        }
        assertTrue(Files.readString(results.resolve("summary.txt")).strip().lines().reduce((a, b) -> b).orElseThrow()
                .startsWith("INVALID"));
        assertTrue(Files.isRegularFile(results.resolve("runs/halt-after-first-chunk-hnswlib/history.jsonl")),
                "the failing run's history is kept with the results");

        assertEquals(1, IndexgateCli.execute("merge", "--report-dir", directory.resolve("merged").toString(),
                latest.toString(), directory.resolve("report-2/latest/verdict.json").toString()));
        JsonNode merged = Histories.json().readTree(directory.resolve("merged/latest/verdict.json").toFile());
        assertEquals(2, merged.get("runs").size());
        assertEquals("invalid", merged.get("verdict").asText());
        assertTrue(merged.get("summary").asText().startsWith("INVALID: 1 run (halt-after-first-chunk on hnswlib)"),
                merged.toString());
        assertEquals(2, Files.readString(directory.resolve("merged/latest/junit.xml")).split("<testcase").length - 1);

        assertHtmlReportShowsEveryRunAndViolation(directory.resolve("merged/latest/index.html"), merged);

        // A second campaign into the same report directory keeps the first and moves latest.
        assertEquals(1, shard(1, 10));
        assertNotEquals(results, directory.resolve("report-1/latest").toRealPath());
        assertTrue(Files.isDirectory(results), "the earlier results are still there");
        // Shards of two campaigns (seeds 9 and 10) are not merged.
        assertEquals(2, IndexgateCli.execute("merge", "--report-dir", directory.resolve("mixed").toString(),
                results.toString(), directory.resolve("report-1/latest").toString()));
    }
}
