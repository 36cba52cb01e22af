package io.indexgate.scenarios;

import static io.indexgate.scenarios.DurabilityGateTest.assertAsExpected;
import static io.indexgate.scenarios.DurabilityGateTest.engines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.harness.campaign.CampaignResult;
import io.indexgate.harness.campaign.CampaignSpec;
import io.indexgate.harness.campaign.Expectation;
import io.indexgate.harness.campaign.RunResult;
import io.indexgate.harness.campaign.Scenario;
import io.indexgate.harness.campaign.Targets;
import io.indexgate.harness.checker.Rule;
import io.indexgate.harness.powerloss.FileSystemShim;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.testing.PersistenceMode;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate below the JVM: a crash before every file-system call of a save and of an acknowledged upsert, SQLite's own
 * calls included (its write-ahead-log writes and fsyncs), torn writes, ENOSPC and EIO inside SQLite, and a crash at
 * every call of the next write after such an error; under a process crash and under both power-loss models, with
 * every file of the data directory under the model. The reference must be valid at every point it runs; the weaker
 * modes must be caught where they are expected to be.
 *
 * <p>To stay within the build's time budget (a point costs about a second of this 2-core machine), {@code verify} runs
 * under a process crash the points of hnswlib (of SQLite's log, torn writes left out and ENOSPC at two writes; after
 * errors, the first EIO and the first ENOSPC); under {@code reorder} the crash points of hnswlib; under
 * {@code pessimistic} USearch's save and every EIO; the controls on hnswlib (the one written back from a bug at every
 * third point after the first ENOSPC). {@code -Dindexgate.gate.syscalls=all}
 * runs every point of both engines in every model. Where the preloaded library cannot run, these tests fail: they never skip.
 */
class SyscallGateTest {

    private static final long SEED = Long.getLong("indexgate.gate.seed", 20261124L);
    private static final boolean ALL = "all".equals(System.getProperty("indexgate.gate.syscalls"));

    @TempDir
    Path work;

    @BeforeAll
    static void theLibraryRunsHere() {
        assertEquals(null, FileSystemShim.unavailableReason(), "the gate below the JVM needs its library");
    }

    private CampaignResult campaign(PersistenceMode mode, PowerLossModel model, List<String> engines,
                                    Predicate<Scenario> points, List<Path> withRules) throws Exception {
        return campaign(mode, model, engines, points, withRules, true);
    }

    /** A campaign of the points below the JVM that {@code points} keeps (with the points after errors, or not). */
    private CampaignResult campaign(PersistenceMode mode, PowerLossModel model, List<String> engines,
                                    Predicate<Scenario> points, List<Path> withRules, boolean afterErrors)
            throws Exception {
        Path modeWork = work.resolve("syscalls-" + model.cliName() + "-" + mode.cliName());
        Targets.Enumeration enumeration = new Targets.Enumeration(false, true, List.of(), SEED,
                DurabilityGateTest.OPERATIONS, withRules);
        List<CampaignSpec.Target> targets = Targets.build(List.of(), engines, mode,
                ALL || afterErrors ? enumeration : enumeration.withoutAfterErrors(),
                model, ChildLauncher.forThisJvm(), modeWork).stream()
                .filter(target -> points.test(target.scenario()))
                .toList();
        return DurabilityGateTest.run(CampaignSpec.builder(targets, modeWork, Path.of("target", "indexgate-report",
                        "syscalls-" + model.cliName() + "-" + mode.cliName()).toAbsolutePath())
                .mode(mode).seed(SEED).cycles(1).kills(1).operations(DurabilityGateTest.OPERATIONS)
                .withRules(withRules).parallel(DurabilityGateTest.PARALLEL).powerLoss(model).build());
    }

    /** A negative control's rule file, where the harness keeps them (the build runs this module in its directory). */
    private static Path rule(String name) {
        return Path.of("..", "harness", "src", "test", "resources", "rules", name).toAbsolutePath().normalize();
    }

    private static boolean inTheSave(Scenario point) {
        return point.name().endsWith("@save");
    }

    private static boolean afterAnError(Scenario point) {
        return point.name().contains("-then-");
    }

    @Test
    void atomicModeSurvivesACrashAtEveryCallBelowTheJvmAndEveryErrorInsideSqlite() throws Exception {
        // hnswlib, every point but the torn writes of SQLite's log (SQLite checksums its frames; all of them with
        // -Dindexgate.gate.syscalls=all, on both engines). USearch's points run under the pessimistic model below.
        List<String> crashed = ALL ? engines() : engines().subList(0, 1);
        CampaignResult result = campaign(PersistenceMode.ATOMIC, PowerLossModel.NONE, crashed,
                point -> ALL || !point.name().contains("-torn-write:store.db-wal@")
                        && (!point.name().contains("-enospc-write:") || first("crash enospc", 2))
                        && (!afterAnError(point) || firstAfterEachError("crash", point)), List.of());
        assertAsExpected(result);
        assertFullCoverage(result, crashed);
        assertEquals(0, result.exitCode());
        for (String engine : crashed) {
            List<String> names = result.runs().stream().filter(run -> run.engine().equals(engine))
                    .map(RunResult::scenario).toList();
            assertTrue(names.stream().anyMatch(name -> name.contains("-before-fsync:store.db-wal@")),
                    "SQLite's own commit is enumerated on " + engine);
            assertTrue(names.stream().anyMatch(name -> name.contains("-eio-fsync:store.db-wal@")), "EIO on " + engine);
            assertTrue(names.stream().anyMatch(name -> name.contains("-enospc-write:store.db-wal@")),
                    "ENOSPC on " + engine);
            assertTrue(names.stream().anyMatch(name -> name.contains("-torn-write:")), "torn writes on " + engine);
        }
        assertTrue(result.runs().stream().anyMatch(run -> run.scenario().contains("-eio-then-before-")),
                "crashes after an EIO");
        assertTrue(result.runs().stream().anyMatch(run -> run.scenario().contains("-enospc-then-before-")),
                "crashes after an ENOSPC");
    }

    /**
     * Under the reordering model every crash point of the save and the upsert (hnswlib); under the pessimistic one
     * the save's points and every EIO inside SQLite, each followed by the cut at the child's end (USearch). With
     * {@code -Dindexgate.gate.syscalls=all}, every point of both engines in both models.
     */
    @Test
    void atomicModeSurvivesAPowerCutAtEveryCallBelowTheJvmInBothModels() throws Exception {
        List<String> reorderEngines = ALL ? engines() : engines().subList(0, 1);
        CampaignResult reordered = campaign(PersistenceMode.ATOMIC, PowerLossModel.REORDER, reorderEngines,
                point -> ALL || isCrash(point), List.of(), false);
        assertAsExpected(reordered);
        assertFullCoverage(reordered, reorderEngines);
        assertEquals(0, reordered.exitCode());
        assertTrue(reordered.runs().stream().anyMatch(run -> run.crashStates() >= 2),
                "cuts inside SQLite's commit and the save leave several crash states");

        List<String> pessimisticEngines = ALL ? engines() : engines().subList(engines().size() - 1, engines().size());
        CampaignResult pessimistic = campaign(PersistenceMode.ATOMIC, PowerLossModel.PESSIMISTIC,
                pessimisticEngines, point -> ALL || (inTheSave(point) || point.name().contains("-eio-")) && (!point.name().contains("-enospc-")
                        || first("pessimistic enospc", 2)), List.of(),
                false);
        assertAsExpected(pessimistic);
        assertFullCoverage(pessimistic, pessimisticEngines);
        assertEquals(0, pessimistic.exitCode());
        assertTrue(pessimistic.runs().stream().anyMatch(run -> run.scenario().contains("-eio-fsync:")),
                "an EIO inside SQLite, then the cut");
    }

    /** Keeps the first {@code n} points this predicate is asked about under {@code tag} (in enumeration order). */
    private static boolean first(String tag, int n) {
        return TAKEN.merge(tag, 1, Integer::sum) <= n;
    }

    /**
     * Keeps every third point this predicate is asked about under {@code tag}: enough for a negative control, whose
     * bug shows at runs of several neighbouring points (a crash anywhere between a record and its pending operation).
     */
    private static boolean everyThird(String tag) {
        return (TAKEN.merge(tag, 1, Integer::sum) - 1) % 3 == 0;
    }

    /** Keeps the points after the first error point of each kind (EIO, ENOSPC) met under {@code tag}. */
    private static boolean firstAfterEachError(String tag, Scenario point) {
        String family = point.name().substring(point.name().lastIndexOf('@') + 1);
        String kind = family.replaceAll("-\\d+$", "");
        return FAMILIES.computeIfAbsent(tag + " " + kind, key -> family).equals(family);
    }

    private static final java.util.Map<String, Integer> TAKEN = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<String, String> FAMILIES = new java.util.concurrent.ConcurrentHashMap<>();

    private static boolean isCrash(Scenario point) {
        return point.name().matches(".*-\\d{3}-(before|after)-.*") && !afterAnError(point);
    }

    private static void assertFullCoverage(CampaignResult result, List<String> engines) {
        for (String engine : engines) {
            CampaignResult.Coverage coverage = result.coverage().get(engine);
            assertTrue(coverage != null && coverage.full(), "points exercised on " + engine + ": " + coverage);
        }
    }

    @Test
    void directModeIsCaughtBelowTheJvmWhereItTearsItsTarget() throws Exception {
        List<String> direct = ALL ? engines() : engines().subList(0, 1);
        CampaignResult result = campaign(PersistenceMode.DIRECT, PowerLossModel.NONE, direct,
                point -> inTheSave(point) && (ALL || point.name().contains("hnswlib.index@")), List.of(), false);
        assertAsExpected(result);
        for (String engine : direct) {
            assertTrue(result.runs().stream().anyMatch(run -> run.engine().equals(engine)
                    && run.expected() == Expectation.INVALID && !run.violations().isEmpty()),
                    "DIRECT must be caught below the JVM on " + engine);
        }
        assertEquals(1, result.exitCode());
    }

    @Test
    void withoutTheDirectoryForceACutBelowTheJvmLosesTheIndex() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC_NO_DIR_SYNC, PowerLossModel.PESSIMISTIC,
                engines().subList(0, 1), point -> point.name().endsWith("@upsert") && isCrash(point)
                        && (ALL || first("no-dir-sync", 3)), List.of(), false);
        assertFalse(result.runs().isEmpty());
        assertTrue(result.runs().stream().allMatch(run -> run.expected() == Expectation.INVALID));
        assertAsExpected(result);
        assertEquals(1, result.exitCode());
    }

    /**
     * The bug these points found in the reference, written back in: after a failed commit the store's next writes ran
     * statement by statement in auto-commit, so a crash between a record and its pending-operation row left a record
     * that no recovery puts in the index.
     */
    @Test
    void writesCommittedStatementByStatementAfterAFailedCommitAreCaught() throws Exception {
        CampaignResult result = campaign(PersistenceMode.ATOMIC, PowerLossModel.NONE, engines().subList(0, 1),
                point -> afterAnError(point)
                        && (ALL || point.name().contains("@write-after-enospc-")
                                && firstAfterEachError("autocommit", point) && everyThird("autocommit")),
                List.of(rule("autocommit-after-failed-commit.btm")));
        assertEquals(1, result.exitCode(), "the gate must see the lost atomicity");
        assertTrue(result.runs().stream().anyMatch(run -> run.violations().stream()
                        .anyMatch(v -> v.rule() == Rule.ENGINE_EQUALS_SQLITE)),
                "a record in SQLite that the recovered engine does not hold (rule 4)");
    }
}
