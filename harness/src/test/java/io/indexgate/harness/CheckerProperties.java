package io.indexgate.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.harness.checker.Checker;
import io.indexgate.harness.checker.Violation;
import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.RecoveryReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The checker accepts every history of a correct store and rejects each kind of anomaly under its rule. */
class CheckerProperties {

    @Property(tries = 300)
    void acceptsEveryHistoryOfACorrectStore(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int cycles) {
        List<Event> history = new HistorySimulator(seed).generate(cycles, 25);
        assertEquals(List.of(), Checker.check(history));
    }

    @Property(tries = 100)
    void rejectsARecordHoldingAValueNoOperationWrote(@ForAll long seed) {
        List<Event> history = new HistorySimulator(seed).generate(3, 25);
        List<Event> corrupted = alterLastRecovery(history, report -> {
            Map<String, String> records = new TreeMap<>(report.records());
            records.put("u-never-written", "d-bogus");
            return withRecords(report, records);
        });
        assertRule(3, Checker.check(corrupted));
    }

    @Property(tries = 100)
    void rejectsAnIndexFileThatNoSaveWrote(@ForAll long seed) {
        List<Event> history = new HistorySimulator(seed).generate(3, 25);
        List<Event> corrupted = alterLastRecovery(history, report -> new RecoveryReport(true, null, "fp-from-nowhere",
                report.records(), List.of(), List.of(), List.of(), List.of()));
        assertRule(2, Checker.check(corrupted));
    }

    /** A write-through store claims no save for its index ("untracked"): rule 2 is not checked, rule 3 still is. */
    @Property(tries = 50)
    void aWriteThroughStoreIsJudgedWithoutRuleTwoButNotWithoutRuleThree(@ForAll long seed) {
        List<Event> history = new HistorySimulator(seed).generate(3, 25);
        List<Event> untracked = alterLastRecovery(history, report -> new RecoveryReport(true, null,
                RecoveryReport.UNTRACKED, report.records(), List.of(), List.of(), List.of(), List.of()));
        assertTrue(Checker.check(untracked).stream().noneMatch(v -> v.rule().number() == 2),
                Checker.check(untracked).toString());
        List<Event> lost = alterLastRecovery(untracked, report -> {
            Map<String, String> records = new TreeMap<>(report.records());
            records.put("u-never-written", "d-bogus");
            return withRecords(report, records);
        });
        assertRule(3, Checker.check(lost));
    }

    @Property(tries = 50)
    void rejectsFailedOpensEngineMismatchesMissedQueriesAndStaleTemps(@ForAll long seed) {
        List<Event> history = new HistorySimulator(seed).generate(2, 20);
        assertRule(1, Checker.check(alterLastRecovery(history, report -> new RecoveryReport(false,
                "IndexLoadError: injected", report.indexFingerprint(), Map.of(), List.of(), List.of(), List.of(),
                List.of()))));
        assertRule(4, Checker.check(alterLastRecovery(history, report -> new RecoveryReport(true, null,
                report.indexFingerprint(), report.records(), List.of(), List.of("row 3 differs"), List.of(),
                List.of()))));
        assertRule(5, Checker.check(alterLastRecovery(history, report -> new RecoveryReport(true, null,
                report.indexFingerprint(), report.records(), List.of(), List.of(), List.of(),
                List.of("x.index.0123456789abcdef.tmp")))));
    }

    @Test
    void aRefusedSecondOpenerIsValidAndOneThatOpenedIsNot() {
        Event refused = new Event.Intrusion(0, true, "in use by PID 1", null);
        Event opened = new Event.Intrusion(0, false, "a second store opened it", null);
        for (Event intrusion : List.of(refused, opened)) {
            List<Event> history = List.of(recovered(0, RecoveryReport.ABSENT, Map.of()), intrusion,
                    recovered(1, RecoveryReport.ABSENT, Map.of()));
            List<Violation> violations = Checker.check(history);
            if (intrusion == refused) {
                assertEquals(List.of(), violations);
            } else {
                assertRule(6, violations);
            }
        }
    }

    @Test
    void aProbeOfTheRunningEngineThatFoundADifferenceIsAViolation() {
        Event start = recovered(0, RecoveryReport.ABSENT, Map.of());
        assertRule(3, Checker.check(List.of(start, new Event.Probe(0, Event.ProbeFinding.UNREACHABLE, "[u1]", null))));
        assertRule(4, Checker.check(List.of(start, new Event.Probe(0, Event.ProbeFinding.DIFFERS,
                "[1 records missing from the engine: [u1]]", null))));
        assertRule(5, Checker.check(List.of(start, new Event.Probe(0, Event.ProbeFinding.TEMPS_LEFT,
                "it left [docs.index.0123456789abcdef.tmp] behind: java.io.IOException: ENOSPC", null))));
    }

    @Test
    void aDamagedIndexMustBeRefusedWithAnIndexLoadErrorNotLoaded() {
        Event rot = new Event.Rot(0, Event.RotTarget.INDEX, "x.index: bit 3 of byte 99 flipped", null);
        RecoveryReport refused = new RecoveryReport(false, "io.indexgate.store.IndexLoadError: checksum mismatch",
                RecoveryReport.UNREADABLE + ": checksum", Map.of(), List.of(), List.of(), List.of(), List.of());
        RecoveryReport refusedOtherwise = new RecoveryReport(false, "java.lang.OutOfMemoryError",
                RecoveryReport.UNREADABLE + ": checksum", Map.of(), List.of(), List.of(), List.of(), List.of());
        RecoveryReport loaded = new RecoveryReport(true, null, "fp-of-damaged-content", Map.of(), List.of(),
                List.of(), List.of(), List.of());
        Event start = recovered(0, RecoveryReport.ABSENT, Map.of());
        assertEquals(List.of(), Checker.check(List.of(start, rot, Event.recovered(1, refused),
                Event.recovered(2, refused))), "refusing it, every time, is right");
        assertRule(1, Checker.check(List.of(start, rot, Event.recovered(1, refusedOtherwise))));
        assertRule(7, Checker.check(List.of(start, rot, Event.recovered(1, loaded))));
        Event tempRot = new Event.Rot(0, Event.RotTarget.TEMP, "x.index.0123456789abcdef.tmp: truncated", null);
        assertEquals(List.of(), Checker.check(List.of(start, tempRot, recovered(1, RecoveryReport.ABSENT, Map.of()))),
                "a damaged temp is cleared, and the index it never replaced loads");
    }

    @Test
    void anAcknowledgedUpsertThatVanishesIsALostWrite() {
        List<Event> history = List.of(
                recovered(0, RecoveryReport.ABSENT, Map.of()),
                Event.invoke(0, 1, Event.Function.UPSERT, List.of(new Event.Write("u1", "d1")), null),
                Event.ok(0, 1),
                recovered(1, RecoveryReport.ABSENT, Map.of()));
        List<Violation> violations = Checker.check(history);
        assertRule(3, violations);
        assertTrue(violations.get(0).message().contains("acknowledged upsert of record u1 was lost"),
                violations.get(0).message());
        assertEquals(1L, violations.get(0).op());
    }

    @Test
    void anAcknowledgedDeleteThatComesBackIsRejected() {
        List<Event> history = List.of(
                recovered(0, RecoveryReport.ABSENT, Map.of("u1", "d1")),
                Event.invoke(0, 1, Event.Function.DELETE, List.of(new Event.Write("u1", null)), null),
                Event.ok(0, 1),
                recovered(1, RecoveryReport.ABSENT, Map.of("u1", "d1")));
        assertRule(3, Checker.check(history));
    }

    @Test
    void anOperationInFlightAtTheCrashMayOrMayNotHaveHappened() {
        for (Map<String, String> outcome : List.of(Map.<String, String>of(), Map.of("u1", "d1"))) {
            List<Event> history = List.of(
                    recovered(0, RecoveryReport.ABSENT, Map.of()),
                    Event.invoke(0, 1, Event.Function.UPSERT, List.of(new Event.Write("u1", "d1")), null),
                    recovered(1, RecoveryReport.ABSENT, outcome));
            assertEquals(List.of(), Checker.check(history), "outcome " + outcome);
        }
    }

    @Test
    void theIndexMayBeTheSaveInFlightButNotAnOlderOne() {
        List<Event> history = new ArrayList<>(List.of(
                recovered(0, RecoveryReport.ABSENT, Map.of()),
                Event.invoke(0, 1, Event.Function.SAVE, null, "fp1"), Event.ok(0, 1),
                Event.invoke(0, 2, Event.Function.SAVE, null, "fp2"), Event.ok(0, 2),
                Event.invoke(0, 3, Event.Function.SAVE, null, "fp3")));
        assertEquals(List.of(), Checker.check(append(history, recovered(1, "fp3", Map.of()))));
        assertEquals(List.of(), Checker.check(append(history, recovered(1, "fp2", Map.of()))));
        assertRule(2, Checker.check(append(history, recovered(1, "fp1", Map.of()))));
        assertRule(2, Checker.check(append(history, recovered(1, RecoveryReport.ABSENT, Map.of()))));
    }

    private static List<Event> append(List<Event> history, Event event) {
        List<Event> longer = new ArrayList<>(history);
        longer.add(event);
        return longer;
    }

    private static Event recovered(int cycle, String file, Map<String, String> records) {
        return Event.recovered(cycle, new RecoveryReport(true, null, file, records, List.of(), List.of(), List.of(),
                List.of()));
    }

    /** A copy of the last recovery, inserted before it as a crash state, changed by {@code change}. */
    private static List<Event> withCrashStateBeforeLastRecovery(List<Event> history,
                                                                UnaryOperator<RecoveryReport> change) {
        List<Event> altered = new ArrayList<>(history);
        for (int i = altered.size() - 1; i >= 0; i--) {
            Event event = altered.get(i);
            if (event instanceof Event.Recovered) {
                altered.add(i, new Event.CrashState(event.cycle(), "1/1 (test)",
                        change.apply(((Event.Recovered) event).recovery()), null));
                return altered;
            }
        }
        throw new AssertionError("no recovery in the history");
    }

    @Property(tries = 100)
    void aCrashStateIsJudgedLikeARecoveryWithoutChangingWhatIsKnown(@ForAll long seed) {
        List<Event> history = new HistorySimulator(seed).generate(3, 25);
        // A crash state that found what the recovery found is valid, and the run stays valid.
        assertEquals(List.of(), Checker.check(withCrashStateBeforeLastRecovery(history, report -> report)));
        // One whose index no save wrote, or that did not open, is a violation that names the crash state.
        List<Violation> violations = Checker.check(withCrashStateBeforeLastRecovery(history, report ->
                new RecoveryReport(false, "IndexLoadError: torn", "unreadable: torn", Map.of(), List.of(), List.of(),
                        List.of(), List.of())));
        assertRule(1, violations);
        assertRule(2, violations);
        assertTrue(violations.stream().allMatch(v -> v.message().startsWith("in crash state 1/1 (test)")),
                violations.toString());
        // And it does not become the known state: had it, the (correct) recovery after it would be flagged too.
        List<Violation> lost = Checker.check(withCrashStateBeforeLastRecovery(history, report ->
                withRecords(report, Map.of())));
        assertTrue(lost.stream().allMatch(v -> v.message().startsWith("in crash state")), lost.toString());
    }

    private static RecoveryReport withRecords(RecoveryReport report, Map<String, String> records) {
        return new RecoveryReport(report.opened(), report.openError(), report.indexFingerprint(), records,
                report.notFoundByExactQuery(), report.engineMismatches(), report.tempsBeforeOpen(),
                report.tempsAfterOpen());
    }

    private static List<Event> alterLastRecovery(List<Event> history, UnaryOperator<RecoveryReport> change) {
        List<Event> altered = new ArrayList<>(history);
        for (int i = altered.size() - 1; i >= 0; i--) {
            Event event = altered.get(i);
            if (event instanceof Event.Recovered) {
                altered.set(i, Event.recovered(event.cycle(), change.apply(((Event.Recovered) event).recovery())));
                return altered;
            }
        }
        throw new AssertionError("no recovery in the history");
    }

    private static void assertRule(int rule, List<Violation> violations) {
        assertFalse(violations.isEmpty(), "a violation of rule " + rule + " expected");
        assertTrue(violations.stream().anyMatch(v -> v.rule().number() == rule), "rule " + rule + " expected: " + violations);
    }
}
