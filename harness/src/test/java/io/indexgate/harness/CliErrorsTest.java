package io.indexgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.harness.cli.IndexgateCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the real CLI: a mistake is an exit 2 with a message that names the option and what is wrong, before any
 * child starts (each case here returns in well under a second: no campaign ran), never a campaign that fails late.
 */
class CliErrorsTest {

    @TempDir
    Path directory;

    /** Runs the CLI; returns its exit code and what it printed on standard error. */
    private static String[] cli(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = IndexgateCli.execute(args);
            return new String[] {Integer.toString(exit), captured.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setErr(original);
        }
    }

    private void assertRefused(String expected, String... args) {
        long started = System.nanoTime();
        String[] outcome = cli(args);
        assertEquals("2", outcome[0], String.join(" ", args) + ": " + outcome[1]);
        assertTrue(outcome[1].contains(expected), "'" + expected + "' in: " + outcome[1]);
        assertTrue(System.nanoTime() - started < 20_000_000_000L, "refused before any work");
    }

    private String[] run(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "run";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--work-dir";
        all[args.length + 2] = directory.resolve("work").toString();
        all[args.length + 3] = "--report-dir";
        all[args.length + 4] = directory.resolve("report").toString();
        return all;
    }

    @Test
    void runRefusesBadOptionsBeforeAnyChildStarts() throws Exception {
        Path file = Files.writeString(directory.resolve("a-file"), "x");
        assertRefused("--report-dir", "run", "--scenario", "halt-after-first-chunk", "--report-dir",
                file.resolve("x").toString(), "--work-dir", directory.resolve("w").toString());
        Path broken = Files.writeString(directory.resolve("broken.btm"), String.join("\n", "RULE broken",
                "CLASS io.indexgate.persist.AtomicIndexWriter", "METHOD moveIntoPlace", "AT ENTRY", "IF true",
                "DO throw new java.io.IOException(\"unclosed", "ENDRULE", ""));
        assertRefused("--rule " + broken, run("--rule", broken.toString()));
        assertRefused("--with-rule " + directory.resolve("missing.btm") + ": no such file",
                run("--scenario", "halt-after-first-chunk", "--with-rule", directory.resolve("missing.btm").toString()));
        assertRefused("--shard", run("--scenario", "halt-after-first-chunk", "--shard", "a/b"));
        assertRefused("--shard", run("--scenario", "halt-after-first-chunk", "--shard", "3/2"));
        assertRefused("--ops: must be at least 1, got 0", run("--scenario", "halt-after-first-chunk", "--ops", "0"));
        assertRefused("--kills: must be at least 1", run("--scenario", "random-kill", "--kills", "-1"));
        assertRefused("--mode: unknown persistence mode 'nosuch'", run("--mode", "nosuch"));
        assertRefused("--scenario: unknown scenario 'nosuch'", run("--scenario", "nosuch"));
        assertRefused("--power-loss", run("--scenario", "halt-after-first-chunk", "--power-loss=sometimes"));
        assertRefused("--engine", run("--scenario", "halt-after-first-chunk", "--engine", "faiss"));
        assertRefused("--power-loss-scope: unknown power-loss scope 'disk'", run("--scenario",
                "halt-after-first-chunk", "--power-loss", "--power-loss-scope", "disk"));
        assertRefused("'sys-atomic-hnswlib-001-before-x' is not a crash point below the JVM of mode direct",
                run("--mode", "direct", "--scenario", "sys-atomic-hnswlib-001-before-x"));
        assertTrue(Files.notExists(directory.resolve("work")), "no campaign began");
    }

    @Test
    void theOtherCommandsRefuseBadOptionsToo() throws Exception {
        assertRefused("--ops: must be at least 1, got 0", "workload", "--data-dir",
                directory.resolve("d").toString(), "--ops", "0");
        assertRefused("--ops: must be at least 1, got -5", "workload", "--data-dir",
                directory.resolve("d").toString(), "--ops", "-5");
        assertRefused("unknown persistence mode 'nosuch'", "scenarios", "--mode", "nosuch");
        assertRefused("--ops: must be at least 1, got 0", "scenarios", "--enumerate", "--ops", "0");
        Path notADirectory = Files.writeString(directory.resolve("plain-file"), "x");
        assertRefused("cannot open the store in " + notADirectory, "workload", "--data-dir",
                notADirectory.toString(), "--ops", "3");
        Path empty = Files.createDirectories(directory.resolve("empty-run"));
        Files.writeString(empty.resolve("history.jsonl"), "");
        assertRefused("holds no events", "check", "--run-dir", empty.toString());
        Path wrongShape = Files.createDirectories(directory.resolve("wrong-run"));
        Files.writeString(wrongShape.resolve("history.jsonl"), "{\"type\":\"teleport\"}\n");
        assertRefused("line 1", "check", "--run-dir", wrongShape.toString());
    }
}
