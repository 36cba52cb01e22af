package io.indexgate.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.Engines;
import io.indexgate.harness.campaign.Campaign;
import io.indexgate.harness.campaign.CampaignResult;
import io.indexgate.harness.campaign.CampaignSpec;
import io.indexgate.harness.campaign.Expectation;
import io.indexgate.harness.campaign.Reports;
import io.indexgate.harness.campaign.RunExecutor;
import io.indexgate.harness.campaign.RunResult;
import io.indexgate.harness.campaign.ScenarioCatalog;
import io.indexgate.harness.campaign.Targets;
import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.harness.process.ChildProcesses;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.testing.PersistenceMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI durability gate: the whole default campaign (the catalog and every enumerated crash point of a save, on
 * every engine, plus random kills) in ATOMIC mode must be valid with 100% crash-point coverage; and the same points
 * must give the expected verdicts in the weaker modes, DIRECT failing its mid-write points (the gate is seen to
 * bite) and ATOMIC_NO_DIR_SYNC passing process crashes. Reports (verdict.json, junit.xml) go to
 * {@code target/indexgate-report/<mode>}. {@code -Dindexgate.gate.kills=N} and {@code -Dindexgate.gate.seed=S}
 * make the campaign longer or replay one.
 */
class DurabilityGateTest {

    private static final int KILLS = Integer.getInteger("indexgate.gate.kills", 30);
    private static final long SEED = Long.getLong("indexgate.gate.seed", 20261124L);
    /** Bounded: children wait on fsync part of the time, so one more run than cores keeps both cores busy. */
    static final int PARALLEL = Math.min(3, Runtime.getRuntime().availableProcessors() + 1);
    /** Operations per child: every strike (at most the fourth save) falls within them. */
    static final int OPERATIONS = 24;

    @TempDir
    Path work;

    static List<String> engines() {
        boolean skipUSearch = Boolean.parseBoolean(System.getProperty("usearch.skip", "false"));
        return Engines.ids().stream().filter(id -> !id.equals("exact"))
                .filter(id -> !(skipUSearch && id.equals("usearch"))).toList();
    }

    /**
     * The campaign of one mode. ATOMIC runs the whole catalog; a weaker mode runs every enumerated point and the
     * catalog scenarios whose verdict in that mode differs from ATOMIC's (the others behave as under ATOMIC, which the
     * ATOMIC campaign checks), to keep the gate inside its time budget.
     */
    private CampaignResult campaign(PersistenceMode mode, boolean withKills) throws Exception {
        ChildLauncher launcher = ChildLauncher.forThisJvm();
        List<io.indexgate.harness.campaign.Scenario> scenarios = ScenarioCatalog.load().all().stream()
                .filter(scenario -> withKills || !scenario.isKill())
                .filter(scenario -> mode == PersistenceMode.ATOMIC
                        || scenario.expectation(mode) != scenario.expectation(PersistenceMode.ATOMIC))
                .toList();
        Path modeWork = work.resolve(mode.cliName());
        List<CampaignSpec.Target> targets = Targets.build(scenarios, engines(), mode,
                new Targets.Enumeration(true, false, List.of(), SEED, OPERATIONS, List.of()), PowerLossModel.NONE,
                launcher, modeWork);
        return run(CampaignSpec.builder(targets, modeWork,
                        Path.of("target", "indexgate-report", mode.cliName()).toAbsolutePath())
                .mode(mode).seed(SEED).cycles(1).kills(KILLS).operations(OPERATIONS).parallel(PARALLEL).build());
    }

    static CampaignResult run(CampaignSpec spec) throws Exception {
        ChildLauncher launcher = ChildLauncher.forThisJvm();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        CampaignResult result = new Campaign(new RunExecutor(launcher)).run(spec,
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        Reports.write(result, spec.reportDir());
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        Reports.printTable(result, new PrintStream(table, true, StandardCharsets.UTF_8));
        Files.writeString(spec.reportDir().resolve("summary.txt"), table.toString(StandardCharsets.UTF_8));
        System.out.println(table.toString(StandardCharsets.UTF_8));
        assertEquals(0, ChildProcesses.live(), "every child is reaped");
        return result;
    }

    static void assertAsExpected(CampaignResult result) {
        List<String> unexpected = result.runs().stream().filter(run -> !run.asExpected())
                .map(run -> run.scenario() + " on " + run.engine() + ": expected " + run.expected() + ", got "
                        + run.verdict() + (run.harnessError() != null ? " (" + run.harnessError() + ")" : "")
                        + run.violations().stream().map(v -> "\n    " + v.describe()).collect(Collectors.joining())
                        + "\n    replay: " + run.replayCommand())
                .toList();
        assertEquals(List.of(), unexpected, "runs whose verdict is not the expected one");
    }

    static void assertFullCoverage(CampaignResult result) {
        for (String engine : engines()) {
            CampaignResult.Coverage coverage = result.coverage().get(engine);
            assertTrue(coverage != null && coverage.full(), "crash points exercised / enumerated on " + engine
                    + ": " + coverage);
        }
    }

    @Test
    void atomicModePassesTheWholeDefaultCampaignWithFullCrashPointCoverage() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC, true);
        assertAsExpected(result);
        assertEquals(0, result.exitCode());
        assertFullCoverage(result);
        for (String engine : engines()) {
            int kills = result.runs().stream().filter(run -> run.engine().equals(engine)
                    && run.scenario().equals("random-kill")).mapToInt(RunResult::faults).sum();
            assertTrue(kills >= Math.min(30, KILLS) * 9 / 10, "random kills on " + engine + ": " + kills);
        }
    }

    @Test
    void directModeFailsItsMidWritePointsSoTheGateIsSeenToBite() throws Exception {
        CampaignResult result = campaign(PersistenceMode.DIRECT, false);
        assertAsExpected(result);
        assertFullCoverage(result);
        for (String engine : engines()) {
            assertTrue(result.runs().stream().anyMatch(run -> run.engine().equals(engine)
                    && run.expected() == Expectation.INVALID && !run.violations().isEmpty()),
                    "DIRECT must be caught on " + engine);
        }
        assertEquals(1, result.exitCode());
    }

    @Test
    void atomicWithoutDirectorySyncPassesEveryProcessCrash() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC_NO_DIR_SYNC, false);
        assertAsExpected(result);
        assertFullCoverage(result);
        assertEquals(0, result.exitCode(),
                "a process crash keeps the page cache: only the power-loss simulation can catch this mode");
    }
}
