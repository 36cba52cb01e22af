package io.indexgate.scenarios;

import static io.indexgate.scenarios.DurabilityGateTest.assertAsExpected;
import static io.indexgate.scenarios.DurabilityGateTest.assertFullCoverage;
import static io.indexgate.scenarios.DurabilityGateTest.engines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.harness.campaign.CampaignResult;
import io.indexgate.harness.campaign.CampaignSpec;
import io.indexgate.harness.campaign.Expectation;
import io.indexgate.harness.campaign.RunResult;
import io.indexgate.harness.campaign.Targets;
import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.testing.PersistenceMode;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-loss gate: a simulated power cut at every enumerated crash point, in both models. Pessimistic (only forced
 * state survives): ATOMIC must pass the points after the rename on both engines (and every point, as the first crash
 * state of each reordered cut); ATOMIC_NO_DIR_SYNC must be caught at the points after
 * the rename, and the control without the file force with an unloadable index (rule 1, an IndexLoadError). Reorder
 * (every crash state a reordering file system allows, enumerated per cut): ATOMIC must pass every state of every
 * point on both engines, and a save that forces the file after the rename, which no process crash and no pessimistic
 * cut can tell from ATOMIC, must be caught.
 */
class PowerLossGateTest {

    private static final long SEED = Long.getLong("indexgate.gate.seed", 20261124L);

    @TempDir
    Path work;

    private CampaignResult campaign(PersistenceMode mode, PowerLossModel model, Predicate<String> points)
            throws Exception {
        Path modeWork = work.resolve(model.cliName() + "-" + mode.cliName());
        List<CampaignSpec.Target> targets = Targets.build(List.of(), engines(), mode,
                new Targets.Enumeration(true, false, List.of(), SEED, DurabilityGateTest.OPERATIONS, List.of()), model,
                ChildLauncher.forThisJvm(), modeWork).stream()
                .filter(target -> points.test(target.scenario().name()))
                .toList();
        return DurabilityGateTest.run(CampaignSpec.builder(targets, modeWork,
                        Path.of("target", "indexgate-report", model.cliName() + "-" + mode.cliName()).toAbsolutePath())
                .mode(mode).seed(SEED).cycles(1).kills(1).operations(DurabilityGateTest.OPERATIONS)
                .parallel(DurabilityGateTest.PARALLEL).powerLoss(model).build());
    }

    /** The points after the atomic move: after it, around the directory force, around the commit. */
    private static boolean afterTheRename(String name) {
        return name.contains("after-Files.move") || name.contains("AtomicIndexWriter.forceDirectory")
                || name.contains("sqlite.commit");
    }

    /**
     * The points around the late force of ATOMIC_FORCE_AFTER_RENAME: before the move (valid), after it, around the
     * open of the renamed file, before its force (caught under reorder), and after the force (valid again).
     */
    private static boolean aroundTheLateForce(String name) {
        return name.contains("Files.move") || name.contains("forceAfterMove")
                || name.contains("-FileChannel.force@AtomicIndexWriter.forceFile");
    }

    /**
     * Every cut of the reordering campaign below checks the pessimistic state first, so that campaign covers this
     * model at every point; this one, which goes on from the pessimistic state, runs at the points after the rename
     * (where the two models differ), and at every point with {@code -Dindexgate.gate.pessimistic=all}.
     */
    @Test
    void atomicModeSurvivesAPowerCutAfterTheRename() throws Exception {
        boolean all = "all".equals(System.getProperty("indexgate.gate.pessimistic"));
        CampaignResult result = campaign(PersistenceMode.ATOMIC, PowerLossModel.PESSIMISTIC,
                name -> all || afterTheRename(name));
        assertAsExpected(result);
        if (all) {
            assertFullCoverage(result);
        }
        assertTrue(result.runs().size() >= 3 * engines().size(), "points: " + result.runs().size());
        assertTrue(result.runs().stream().allMatch(run -> run.faults() > 0), "every point struck");
        assertEquals(0, result.exitCode());
    }

    @Test
    void withoutTheDirectoryForceAcknowledgedIndexStateIsLostAfterTheRename() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC_NO_DIR_SYNC, PowerLossModel.PESSIMISTIC,
                PowerLossGateTest::afterTheRename);
        assertTrue(result.runs().size() >= 2 * engines().size(), "points after the rename: " + result.runs().size());
        assertTrue(result.runs().stream().allMatch(run -> run.expected() == Expectation.INVALID));
        assertAsExpected(result);
        assertEquals(1, result.exitCode());
    }

    @Test
    void withoutTheFileForceTheIndexIsGarbageAfterTheCutAndDoesNotLoad() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC_NO_FILE_SYNC, PowerLossModel.PESSIMISTIC,
                PowerLossGateTest::afterTheRename);
        assertAsExpected(result);
        for (RunResult run : result.runs()) {
            assertTrue(run.violations().stream().anyMatch(v -> v.rule() == io.indexgate.harness.checker.Rule.RESTART_OPENS
                    && v.message().contains("IndexLoadError")), run.scenario() + ": " + run.violations());
        }
        assertEquals(1, result.exitCode());
    }

    @Test
    void atomicModeSurvivesEveryReorderedCrashStateAtEveryCrashPoint() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC, PowerLossModel.REORDER, name -> true);
        assertAsExpected(result);
        assertFullCoverage(result);
        assertEquals(0, result.exitCode());
        for (String engine : engines()) {
            // A cut inside a save leaves pending operations; the ones around the rename leave several crash states.
            List<RunResult> moves = result.runs().stream().filter(run -> run.engine().equals(engine)
                    && run.scenario().contains("after-Files.move")).toList();
            assertTrue(!moves.isEmpty() && moves.stream().allMatch(run -> run.crashStates() >= 2),
                    "crash states explored after the rename on " + engine + ": " + moves);
        }
    }

    @Test
    void aSaveThatForcesAfterTheRenameIsCaughtByTheReorderingModelOnly() throws Exception {
        CampaignResult reordered = campaign(PersistenceMode.ATOMIC_FORCE_AFTER_RENAME, PowerLossModel.REORDER,
                PowerLossGateTest::aroundTheLateForce);
        assertAsExpected(reordered);
        assertEquals(1, reordered.exitCode());
        for (String engine : engines()) {
            List<RunResult> caught = reordered.runs().stream().filter(run -> run.engine().equals(engine)
                    && run.expected() == Expectation.INVALID).toList();
            assertTrue(caught.size() >= 2, "points where the rename is durable before the data on " + engine);
            for (RunResult run : caught) {
                assertTrue(run.violations().stream().anyMatch(v -> v.message().startsWith("in crash state")),
                        run.scenario() + ": " + run.violations());
            }
        }
        // The same points under the pessimistic model: the late force is never seen, which is why the model exists.
        CampaignResult pessimistic = campaign(PersistenceMode.ATOMIC_FORCE_AFTER_RENAME, PowerLossModel.PESSIMISTIC,
                PowerLossGateTest::aroundTheLateForce);
        assertAsExpected(pessimistic);
        assertEquals(0, pessimistic.exitCode());
        assertTrue(pessimistic.runs().size() >= 6 * engines().size(), "points: " + pessimistic.runs().size());
    }
}
