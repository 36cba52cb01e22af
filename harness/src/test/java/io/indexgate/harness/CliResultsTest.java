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

    @Test
    void campaignsKeepTheirResultsAndShardsMergeIntoOneVerdict() throws Exception {
        assertEquals(1, shard(1, 9), "shard 1: halt-after-first-chunk tears the file in DIRECT mode");
        assertEquals(0, shard(2, 9), "shard 2: move-fails is never reached in DIRECT mode (no rename)");

        Path latest = directory.resolve("report-1/latest");
        assertTrue(Files.isSymbolicLink(latest));
        Path results = latest.toRealPath();
        assertTrue(results.getFileName().toString().endsWith("-seed9"), results.toString());
        for (String file : List.of("verdict.json", "junit.xml", "summary.txt")) {
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

        // A second campaign into the same report directory keeps the first and moves latest.
        assertEquals(1, shard(1, 10));
        assertNotEquals(results, directory.resolve("report-1/latest").toRealPath());
        assertTrue(Files.isDirectory(results), "the earlier results are still there");
        // Shards of two campaigns (seeds 9 and 10) are not merged.
        assertEquals(2, IndexgateCli.execute("merge", "--report-dir", directory.resolve("mixed").toString(),
                results.toString(), directory.resolve("report-1/latest").toString()));
    }
}
