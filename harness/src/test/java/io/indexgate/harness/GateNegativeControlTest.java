package io.indexgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.harness.cli.IndexgateCli;
import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.Histories;
import io.indexgate.harness.process.ChildProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The negative control of the whole gate, through the real CLI and forked child JVMs: a mid-write crash in DIRECT
 * mode (the behaviour before the fix) is reported as a violation with exit 1, and the same campaign in ATOMIC mode
 * exits 0. A gate that cannot fail would pass both.
 */
class GateNegativeControlTest {

    @TempDir
    Path directory;

    /** {@code indexgate run ARGS} with work and report directories named after {@code name}; its exit code. */
    private int campaign(String name, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("run"));
        command.addAll(List.of(args));
        command.addAll(List.of("--work-dir", directory.resolve("work-" + name).toString(),
                "--report-dir", directory.resolve("report-" + name).toString()));
        return IndexgateCli.execute(command.toArray(String[]::new));
    }

    private Path rule(String name) throws java.net.URISyntaxException {
        return Path.of(getClass().getResource("/rules/" + name).toURI());
    }

    private int run(String mode) {
        return campaign(mode, "--scenario", "halt-after-first-chunk", "--mode", mode, "--seed", "11", "--cycles", "2");
    }

    @Test
    void directModeFailsTheGateAndAtomicModePassesIt() throws Exception {
        assertEquals(1, run("direct"), "DIRECT must be caught");
        assertEquals(0, run("atomic"), "ATOMIC must pass");
        assertEquals(0, ChildProcesses.live(), "every child is reaped");

        String junit = Files.readString(directory.resolve("report-direct/latest/junit.xml"));
        assertTrue(junit.contains("<failure"), junit);
        assertTrue(Files.readString(directory.resolve("report-direct/latest/verdict.json")).contains("\"invalid\""));
        List<Event> history = Histories.read(
                directory.resolve("work-direct/halt-after-first-chunk-hnswlib/history.jsonl"));
        assertTrue(history.stream().anyMatch(e -> e instanceof Event.Fault), "the fault struck");
        assertEquals(1, IndexgateCli.execute("check", "--run-dir",
                directory.resolve("work-direct/halt-after-first-chunk-hnswlib").toString()), "re-check agrees");
    }

    @Test
    void aSecondOpenerIsRefusedAndRemovingTheOwnerLockIsCaught() throws Exception {
        assertEquals(0, secondOpener("locked"), "with the owner lock every intruder is refused");
        assertEquals(1, secondOpener("unlocked", "--with-rule", rule("no-owner-lock.btm").toString()),
                "without it the gate must see the second owner");
        List<Event> history = Histories.read(directory.resolve("work-unlocked/second-opener-hnswlib/history.jsonl"));
        assertTrue(history.stream().anyMatch(e -> e instanceof Event.Intrusion intrusion && !intrusion.refused()),
                "the intruder opened the directory");
        assertTrue(Files.readString(directory.resolve("report-unlocked/latest/verdict.json"))
                .matches("(?s).*\"rule\"\\s*:\\s*6\\b.*"), "rule 6 (one owner) is reported");
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
    }

    private int secondOpener(String name, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--scenario", "second-opener", "--seed", "5",
                "--cycles", "2", "--ops", "12"));
        args.addAll(List.of(extra));
        return campaign(name, args.toArray(String[]::new));
    }

    @Test
    void damageAtRestIsRefusedAndALoaderThatSkipsVerificationIsCaught() throws Exception {
        assertEquals(0, campaign("rot", "--scenario", "rot-bitflip-index", "--scenario", "rot-zero-index",
                "--seed", "4", "--cycles", "2", "--ops", "12"), "the reference refuses damaged files");
        // Whether one flipped bit or zeroed range still decodes depends on where it lands (the graph's layout varies
        // from run to run), so the trusting loader gets several seeded tries; one silent load fails the campaign.
        // About one seed in three is caught (11 of 32 runs measured), so 16 tries miss with a probability near 0.2%.
        Path trusting = rule("skip-verification.btm");
        int caught = 0;
        for (int seed = 1; seed <= 16 && caught == 0; seed++) {
            int exit = campaign("trusting-" + seed, "--scenario", "rot-bitflip-index", "--scenario",
                    "rot-zero-index", "--seed", Integer.toString(seed), "--cycles", "1", "--ops", "12",
                    "--with-rule", trusting.toString());
            // A trusting loader may also decode garbage into a child that dies (exit 2, a harness error): that seed
            // proves nothing either way, and the next one is tried.
            if (exit == 1) {
                caught = seed;
                assertTrue(Files.readString(directory.resolve("report-trusting-" + seed + "/latest/verdict.json"))
                        .matches("(?s).*\"rule\"\\s*:\\s*[47]\\b.*"), "a silent load is rule 7 (or 4)");
            }
        }
        assertTrue(caught > 0, "a loader that skips verification was never caught in 16 seeds");
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
    }

    /**
     * The index directory's entry in its parent is durable only once the parent is forced. With every file under the
     * model, SQLite's own fsync of the data directory (when it creates its write-ahead log, just after the store
     * creates the index directory) makes that entry durable as a side effect, as it would on a real disk, so this
     * control runs with the index directory alone under the model, where nothing but the store's own force can.
     */
    @Test
    void anIndexDirectoryCreatedWithoutForcingItsParentIsLostAtAPowerCutAndCaught() throws Exception {
        assertEquals(0, powerCut("durable", "--power-loss=reorder"),
                "the reference forces the parent of every directory it creates");
        assertEquals(1, powerCut("lost", "--power-loss", "--power-loss-scope", "index", "--with-rule",
                rule("no-parent-force.btm").toString()),
                "without it the index directory, and the index in it, are gone after the cut");
        assertTrue(Files.readString(directory.resolve("report-lost/latest/verdict.json")).contains("NoSuchFileException"));
    }

    /**
     * SQLite's own durability under the power-loss model below the JVM: a store that opens SQLite with
     * {@code synchronous=OFF}, or {@code NORMAL} (in WAL mode a commit is not fsynced until a checkpoint), loses
     * acknowledged upserts at a cut, and the gate sees it once SQLite's files are under the model (the default scope);
     * with the index files alone under it (scope {@code index}, the model before) the same campaigns pass.
     */
    @Test
    void sqliteWithoutFullSynchronousLosesAcknowledgedWritesAtAPowerCutAndIsCaught() throws Exception {
        for (String setting : List.of("off", "normal")) {
            String withRule = rule("sqlite-synchronous-" + setting + ".btm").toString();
            assertEquals(1, powerCut("synchronous-" + setting, "--power-loss", "--with-rule", withRule),
                    "synchronous=" + setting + " must be caught with every file under the model");
            assertTrue(Files.readString(directory.resolve("report-synchronous-" + setting + "/latest/verdict.json"))
                    .contains("acknowledged upsert"), "the lost writes are named");
        }
        assertEquals(0, powerCut("index-only-off", "--power-loss", "--power-loss-scope", "index", "--with-rule",
                rule("sqlite-synchronous-off.btm").toString()), "the index-only model cannot see SQLite's durability");
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
    }

    @Test
    void aFailedForceFollowedByACutLosesNothingAndASavePathThatIgnoresItIsCaught() throws Exception {
        // The reference under the reordering model, which holds every crash state of the pessimistic one and more.
        assertEquals(0, campaign("fsyncgate", "--power-loss=reorder", "--scenario", "eio-on-force-then-cut", "--scenario",
                "dir-force-fails-then-cut", "--seed", "3", "--cycles", "1", "--ops", "24"),
                "the reference commits nothing whose force failed");
        assertEquals(1, campaign("ignoring", "--power-loss", "--rule", rule("ignore-failed-force.btm").toString(),
                "--seed", "3", "--cycles", "1", "--ops", "24"),
                "a save path that ignores a failed force commits a name over bytes that never reached the disk");
    }

    @Test
    void aFailedSaveThatLeavesItsTempBehindIsCaught() throws Exception {
        assertEquals(0, campaign("temp-removed", "--scenario", "enospc-on-chunk", "--scenario", "temp-delete-fails",
                "--seed", "5", "--cycles", "1"), "the reference removes a failed save's temp, and says when it cannot");
        assertEquals(1, campaign("temp-kept", "--scenario", "enospc-on-chunk", "--with-rule",
                rule("adversary/failed-save-keeps-temp.btm").toString(), "--seed", "5", "--cycles", "1"),
                "a save path that keeps its temp after a failure");
        String verdict = Files.readString(directory.resolve("report-temp-kept/latest/verdict.json"));
        assertTrue(verdict.contains("after a failed save") && verdict.contains(".tmp"), verdict);
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
    }

    @Test
    void aScenariosRulesStrikeInTheRealRecoveryNotInTheExplorersScratchCopies() throws Exception {
        // crash-during-stale-temp-clearing halts a recovery while it clears a stale temp; under the reordering model
        // the crash states of the cut (some with the temp) are recovered in scratch copies first, by a child without
        // the scenario's rules, so that the halt strikes the real recovery and every crash state is reported.
        assertEquals(0, campaign("explorer", "--power-loss=reorder", "--scenario", "crash-during-stale-temp-clearing",
                "--seed", "3", "--cycles", "2", "--ops", "24"));
        List<Event> history = Histories.read(directory.resolve(
                "work-explorer/crash-during-stale-temp-clearing-hnswlib/history.jsonl"));
        List<Event> clearing = history.stream().filter(e -> e instanceof Event.Fault fault
                && fault.detail().contains("clearing a stale temp")).toList();
        assertFalse(clearing.isEmpty(), "the rule struck");
        for (Event fault : clearing) {
            List<Event.CrashState> states = history.stream().filter(e -> e instanceof Event.CrashState
                    && e.cycle() == fault.cycle()).map(Event.CrashState.class::cast).toList();
            assertFalse(states.isEmpty(), "the cut before cycle " + fault.cycle() + " was explored");
            String last = states.get(states.size() - 1).state();
            assertTrue(last.startsWith(states.size() + "/" + states.size()), "every crash state reported: " + last);
            assertTrue(history.indexOf(fault) > history.indexOf(states.get(states.size() - 1)),
                    "the halt came after the exploration");
        }
    }

    private int powerCut(String name, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--scenario", "halt-after-first-chunk",
                "--seed", "3", "--cycles", "2", "--ops", "12"));
        args.addAll(List.of(extra));
        return campaign(name, args.toArray(String[]::new));
    }

    @Test
    void aRuleThatNeverStrikesIsAHarnessFailureNotAPass() throws Exception {
        Path rule = Files.writeString(directory.resolve("never.btm"), String.join("\n",
                "RULE never", "CLASS io.indexgate.persist.AtomicIndexWriter", "METHOD moveIntoPlace", "AT ENTRY",
                "IF false", "DO io.indexgate.harness.nemesis.Faults.halt(\"never\")", "ENDRULE", ""));
        assertEquals(2, campaign("never", "--rule", rule.toString(), "--cycles", "1", "--seed", "3"));
    }
}
