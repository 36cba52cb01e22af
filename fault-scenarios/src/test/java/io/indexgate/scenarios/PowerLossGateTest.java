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
import io.indexgate.harness.nemesis.ChildLauncher;
import io.indexgate.persist.PersistenceMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The power-loss gate: a simulated power cut (only forced state survives) at every enumerated crash point. ATOMIC
 * must pass every point on both engines; ATOMIC_NO_DIR_SYNC must be caught at the points after the rename, and the
 * control without the file force must be caught with an unloadable index (rule 1, an IndexLoadError).
 */
class PowerLossGateTest {

    private static final long SEED = Long.getLong("indexgate.gate.seed", 20261124L);

    @TempDir
    Path work;

    private CampaignResult campaign(PersistenceMode mode, boolean afterTheRenameOnly) throws Exception {
        Path modeWork = work.resolve(mode.cliName());
        List<CampaignSpec.Target> targets = Targets.build(List.of(), engines(), mode, true, List.of(), true,
                ChildLauncher.forThisJvm(), modeWork).stream()
                .filter(target -> !afterTheRenameOnly || afterTheRename(target.scenario().name()))
                .toList();
        return DurabilityGateTest.run(new CampaignSpec(targets, mode, SEED, 1, 1, DurabilityGateTest.OPERATIONS,
                List.of(), modeWork, Path.of("target", "indexgate-report", "powerloss-" + mode.cliName())
                .toAbsolutePath(), DurabilityGateTest.PARALLEL, 1, 1, true));
    }

    /** The points after the atomic move: after it, around the directory force, around the commit. */
    private static boolean afterTheRename(String name) {
        return name.contains("after-Files.move") || name.contains("AtomicIndexWriter.forceDirectory")
                || name.contains("sqlite.commit");
    }

    @Test
    void atomicModeSurvivesAPowerCutAtEveryCrashPoint() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC, false);
        assertAsExpected(result);
        assertFullCoverage(result);
        assertEquals(0, result.exitCode());
    }

    @Test
    void withoutTheDirectoryForceAcknowledgedIndexStateIsLostAfterTheRename() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC_NO_DIR_SYNC, true);
        assertTrue(result.runs().size() >= 2 * engines().size(), "points after the rename: " + result.runs().size());
        assertTrue(result.runs().stream().allMatch(run -> run.expected() == Expectation.INVALID));
        assertAsExpected(result);
        assertEquals(1, result.exitCode());
    }

    @Test
    void withoutTheFileForceTheIndexIsGarbageAfterTheCutAndDoesNotLoad() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC_NO_FILE_SYNC, true);
        assertAsExpected(result);
        for (RunResult run : result.runs()) {
            assertTrue(run.violations().stream().anyMatch(v -> v.rule() == 1
                    && v.message().contains("IndexLoadError")), run.scenario() + ": " + run.violations());
        }
        assertEquals(1, result.exitCode());
    }
}
