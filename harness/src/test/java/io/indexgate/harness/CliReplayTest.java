package io.indexgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.indexgate.harness.campaign.ScenarioCatalog;
import io.indexgate.harness.cli.IndexgateCli;
import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.Histories;
import io.indexgate.harness.process.ChildProcesses;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the real CLI: the printed replay of every run reproduces its history event for event (kinds, cycles,
 * operations; times and temp-file names aside), whatever options shaped the campaign; the table's columns line up;
 * the last line is the verdict.
 */
class CliReplayTest {

    @TempDir
    Path directory;

    /** {@code indexgate run ARGS} into work and report directories named {@code name}; its exit code and output. */
    private record Outcome(int exit, String out) {
    }

    private Outcome run(String name, List<String> args) {
        List<String> command = new ArrayList<>(args);
        command.addAll(List.of("--work-dir", directory.resolve("work-" + name).toString(),
                "--report-dir", directory.resolve("report-" + name).toString()));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return new Outcome(IndexgateCli.execute(command.toArray(String[]::new)),
                    captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    /**
     * What must be the same in a replay: each event's kind and cycle, each operation with its writes and save
     * fingerprint, each recovery's index fingerprint and records, each fault; the work directory's own path aside.
     */
    private static List<String> shape(Path history, Path workDirectory) throws Exception {
        List<String> shape = new ArrayList<>();
        for (Event event : Histories.read(history)) {
            String line = event.type() + "@" + event.cycle();
            if (event instanceof Event.Invoke invoke) {
                line += " " + invoke.op() + " " + invoke.function().wire() + " " + invoke.writes() + " "
                        + invoke.fingerprint();
            } else if (event instanceof Event.Ok ok) {
                line += " " + ok.op();
            } else if (event instanceof Event.Recovered recovered) {
                line += " " + recovered.recovery().indexFingerprint() + " " + recovered.recovery().records();
            } else if (event instanceof Event.Fault fault) {
                line += " " + fault.detail();
            }
            shape.add(line.replace(workDirectory.toString(), "<work>"));
        }
        return shape;
    }

    @Test
    void everyPrintedReplayReproducesItsRunAndTheLastLineIsTheVerdict() throws Exception {
        Path rule = Files.writeString(directory.resolve("my-halt.btm"),
                ScenarioCatalog.load().get("halt-after-first-chunk").rule());
        Path harmless = Files.writeString(directory.resolve("harmless.btm"), String.join("\n",
                "RULE harmless", "CLASS io.indexgate.persist.AtomicIndexWriter", "METHOD write", "AT ENTRY",
                "IF false", "DO traceln(\"never\")", "ENDRULE", ""));
        Outcome first = run("first", List.of("run", "--mode", "direct", "--rule", rule.toString(),
                "--scenario", "halt-after-first-chunk", "--seed", "5", "--cycles", "2", "--ops", "15",
                "--with-rule", harmless.toString()));
        assertEquals(1, first.exit(), first.out());

        String[] lines = first.out().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("INVALID: 2 runs (") && last.contains("my-halt on hnswlib")
                && last.contains("halt-after-first-chunk on hnswlib")
                && last.endsWith(") with violations; 2 of 2 runs as expected"), last);
        List<String> rows = Arrays.stream(lines)
                .filter(line -> line.matches("(my-halt|halt-after-first-chunk) +hnswlib .*")).toList();
        assertEquals(2, rows.size(), first.out());
        assertEquals(rows.get(0).indexOf(" hnswlib "), rows.get(1).indexOf(" hnswlib "), "columns line up");

        JsonNode verdict = Histories.json().readTree(directory.resolve("report-first/latest/verdict.json").toFile());
        assertTrue(verdict.get("summary").asText().startsWith("INVALID"), verdict.toString());
        int replayed = 0;
        for (JsonNode node : verdict.get("runs")) {
            String replay = node.get("replay").asText();
            assertTrue(replay.contains("--ops 15") && replay.contains("--cycles 2") && replay.contains("--seed 5")
                    && replay.contains("--with-rule " + harmless.toAbsolutePath()), replay);
            List<String> words = new ArrayList<>(Arrays.asList(replay.split(" ")));
            assertEquals(List.of("java", "-jar", "harness/target/indexgate.jar"), words.subList(0, 3));
            Outcome again = run("replay-" + replayed, words.subList(3, words.size()));
            assertEquals(1, again.exit(), again.out());
            String runDirectory = node.get("runDirectory").asText();
            Path original = Path.of(runDirectory).resolve("history.jsonl");
            Path copy = directory.resolve("work-replay-" + replayed).resolve(Path.of(runDirectory).getFileName())
                    .resolve("history.jsonl");
            List<String> expected = shape(original, directory.resolve("work-first"));
            assertTrue(expected.size() > 20, expected.toString());
            assertEquals(expected, shape(copy, directory.resolve("work-replay-" + replayed)),
                    "the replay of " + node.get("scenario").asText());
            replayed++;
        }
        assertEquals(2, replayed);
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
    }

    /** A crash point below the JVM is found again by name and replays its run, under a power-loss model too. */
    @Test
    void aReplayOfAPointBelowTheJvmReproducesItsRun() throws Exception {
        List<io.indexgate.harness.campaign.Scenario> points = io.indexgate.harness.campaign.SyscallPoints.scenarios(
                "hnswlib", io.indexgate.testing.PersistenceMode.ATOMIC,
                io.indexgate.harness.campaign.SyscallPoints.trace(io.indexgate.harness.process.ChildLauncher
                                .forThisJvm(), "hnswlib", io.indexgate.testing.PersistenceMode.ATOMIC, 5, 15,
                        List.of(), false, directory.resolve("trace")),
                io.indexgate.harness.powerloss.PowerLossModel.PESSIMISTIC);
        String eio = points.stream().map(io.indexgate.harness.campaign.Scenario::name)
                .filter(name -> name.contains("-eio-fsync:")).findFirst().orElseThrow();
        String cut = points.stream().map(io.indexgate.harness.campaign.Scenario::name)
                .filter(name -> name.contains("-before-fsync:store.db-wal@upsert")).findFirst().orElseThrow();
        Outcome first = run("sys", List.of("run", "--power-loss", "--scenario", eio, "--scenario", cut,
                "--seed", "5", "--ops", "15"));
        assertEquals(0, first.exit(), first.out());
        JsonNode verdict = Histories.json().readTree(directory.resolve("report-sys/latest/verdict.json").toFile());
        int replayed = 0;
        for (JsonNode node : verdict.get("runs")) {
            String replay = node.get("replay").asText();
            assertTrue(replay.contains("--power-loss=pessimistic") && replay.contains("--ops 15"), replay);
            List<String> words = new ArrayList<>(Arrays.asList(replay.split(" ")));
            Outcome again = run("sys-replay-" + replayed, words.subList(3, words.size()));
            assertEquals(0, again.exit(), again.out());
            String runDirectory = node.get("runDirectory").asText();
            List<String> expected = shape(Path.of(runDirectory).resolve("history.jsonl"), directory.resolve("work-sys"));
            assertTrue(expected.stream().anyMatch(line -> line.startsWith("fault@0 ")), expected.toString());
            assertEquals(expected, shape(directory.resolve("work-sys-replay-" + replayed)
                    .resolve(Path.of(runDirectory).getFileName()).resolve("history.jsonl"),
                    directory.resolve("work-sys-replay-" + replayed)), "the replay of " + node.get("scenario"));
            replayed++;
        }
        assertEquals(2, replayed);
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
    }
}
