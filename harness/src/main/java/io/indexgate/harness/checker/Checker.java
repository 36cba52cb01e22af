package io.indexgate.harness.checker;

import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.RecoveryReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a run's history is valid: a pure function of the events, so it can be re-run on a recorded history
 * and tested on generated ones. A run is valid iff at every recovery:
 * <ol>
 *   <li>the store opened (no {@code IndexLoadError}, no startup failure), unless a fault was injected into that
 *       recovering process itself (a read error at load must make the open fail, not start empty);</li>
 *   <li>the index file's content fingerprint is that of the last completed save, or of a save in flight (invoked and
 *       not completed, or failed) since then; absent if no save has completed and none was in flight;</li>
 *   <li>every record holds a value that some admissible history gives it: its last acknowledged upsert or delete,
 *       or the effect of an operation that was in flight (never completed, or failed: Jepsen's {@code info}, which may
 *       or may not have happened); and every record is found by a query with its own vector;</li>
 *   <li>the engine's contents equal the records in SQLite;</li>
 *   <li>no stale temp file survived the recovery;</li>
 * </ol>
 * and (6) every second process that tried to open the data directory while its owner held it was refused; (7) after
 * the index file was damaged at rest, the next recovery refused it with an {@code IndexLoadError} (rule 1 is then
 * not broken by the refusal, nor rule 2 by the damaged content) rather than loading it.
 * Rules 3 and 4 also hold for the running store: a child probes its engine against SQLite after every write and save and
 * reports what differs ({@code probe}). After each recovery the observed state becomes the known state. Under the
 * reordering power-loss model a cut has several crash states ({@code crash-state} events): each is judged by rules
 * 1 to 5 against the same knowledge, as if it were the recovery, and leaves the knowledge as it was; the recovery the
 * run goes on from follows them. Not thread-safe; one instance per check.
 */
public final class Checker {

    /** The value of a record that does not exist. */
    static final String ABSENT = "-";

    private final Map<String, Set<String>> possible = new HashMap<>();
    private final Map<String, Long> lastWriter = new HashMap<>();
    private final Map<Long, Event.Invoke> inFlight = new LinkedHashMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private String lastCompletedSave = RecoveryReport.ABSENT;
    private Long lastCompletedSaveOp;
    private final Set<String> savesInFlight = new LinkedHashSet<>();
    private int faultedCycle = -1;
    /** The index file was damaged at rest (by the parent) and no recovery has opened since. */
    private boolean indexRotted;

    private Checker() {
    }

    /** A copy whose recovery of a crash state cannot change this checker's knowledge. */
    private Checker(Checker other) {
        other.possible.forEach((uuid, values) -> possible.put(uuid, new LinkedHashSet<>(values)));
        lastWriter.putAll(other.lastWriter);
        inFlight.putAll(other.inFlight);
        lastCompletedSave = other.lastCompletedSave;
        lastCompletedSaveOp = other.lastCompletedSaveOp;
        savesInFlight.addAll(other.savesInFlight);
        faultedCycle = other.faultedCycle;
        indexRotted = other.indexRotted;
    }

    /** The violations of {@code history}, in the order found; empty if the run is valid. */
    public static List<Violation> check(List<Event> history) {
        Checker checker = new Checker();
        history.forEach(checker::accept);
        return List.copyOf(checker.violations);
    }

    private void accept(Event event) {
        if (event instanceof Event.Invoke invoke) {
            inFlight.put(invoke.op(), invoke);
        } else if (event instanceof Event.Ok ok) {
            Event.Invoke invoke = inFlight.remove(ok.op());
            if (invoke != null) {
                happened(invoke);
            }
        } else if (event instanceof Event.Fail fail) {
            Event.Invoke invoke = inFlight.remove(fail.op());
            if (invoke != null) {
                mayHaveHappened(invoke);
            }
        } else if (event instanceof Event.Recovered recovered) {
            recovered(recovered.cycle(), recovered.recovery());
        } else if (event instanceof Event.CrashState state) {
            crashState(state);
        } else if (event instanceof Event.Fault fault) {
            faultedCycle = fault.cycle();
        } else if (event instanceof Event.Intrusion intrusion) {
            intrusion(intrusion);
        } else if (event instanceof Event.Probe probe) {
            violations.add(switch (probe.finding()) {
                case TEMPS_LEFT -> new Violation(Rule.NO_STALE_TEMP, probe.cycle(), null,
                        "the running store, after a failed save: " + probe.detail());
                case UNREACHABLE, DIFFERS -> new Violation(probe.finding() == Event.ProbeFinding.UNREACHABLE
                        ? Rule.WRITES_SURVIVE : Rule.ENGINE_EQUALS_SQLITE, probe.cycle(), null,
                        "the running store's engine, probed after an operation: " + probe.finding().wire() + ": "
                                + probe.detail());
            });
        } else if (event instanceof Event.Rot rot) {
            indexRotted |= rot.target() == Event.RotTarget.INDEX;
        } else if (!(event instanceof Event.Start || event instanceof Event.Kill || event instanceof Event.Exit
                || event instanceof Event.Settled || event instanceof Event.Trace)) {
            throw new IllegalArgumentException("the checker does not know the event " + event);
        }
    }

    private void crashState(Event.CrashState state) {
        Checker alternative = new Checker(this);
        alternative.recovered(state.cycle(), state.recovery());
        for (Violation violation : alternative.violations) {
            violations.add(new Violation(violation.rule(), violation.cycle(), violation.op(),
                    "in crash state " + state.state() + ": " + violation.message()));
        }
    }

    private void intrusion(Event.Intrusion intrusion) {
        if (!intrusion.refused()) {
            violations.add(new Violation(Rule.ONE_OWNER, intrusion.cycle(), null, "a second process was not refused "
                    + "the data directory while its owner held it: " + intrusion.detail()));
        }
    }

    private void happened(Event.Invoke invoke) {
        switch (invoke.function()) {
            case UPSERT, DELETE -> {
                for (Event.Write write : invoke.writes()) {
                    possible.put(write.uuid(), new LinkedHashSet<>(Set.of(value(write))));
                    lastWriter.put(write.uuid(), invoke.op());
                }
            }
            case SAVE -> {
                lastCompletedSave = invoke.fingerprint();
                lastCompletedSaveOp = invoke.op();
                savesInFlight.clear();
            }
            default -> {
            }
        }
    }

    private void mayHaveHappened(Event.Invoke invoke) {
        switch (invoke.function()) {
            case UPSERT, DELETE -> {
                for (Event.Write write : invoke.writes()) {
                    possible.computeIfAbsent(write.uuid(), uuid -> new LinkedHashSet<>(Set.of(ABSENT)))
                            .add(value(write));
                }
            }
            case SAVE -> savesInFlight.add(invoke.fingerprint());
            default -> {
            }
        }
    }

    private static String value(Event.Write write) {
        return write.digest() == null ? ABSENT : write.digest();
    }

    private void recovered(int cycle, RecoveryReport report) {
        // Whatever was in flight when the previous process died may or may not have happened.
        inFlight.values().forEach(this::mayHaveHappened);
        inFlight.clear();

        if (indexRotted) {
            // The index file holds what the rot made of it: the one right answer is to refuse it.
            if (report.opened()) {
                indexRotted = false;
                violations.add(new Violation(Rule.DAMAGE_REFUSED, cycle, null, "the store opened over an index file damaged at rest "
                        + "(its content now reads as " + report.indexFingerprint() + ") instead of refusing it"));
            } else if (report.openError() == null || !report.openError().contains("IndexLoadError")) {
                violations.add(new Violation(Rule.RESTART_OPENS, cycle, null, "the restarted store refused the damaged index file "
                        + "without an IndexLoadError: " + report.openError()));
            }
            savesInFlight.clear();
            if (!report.opened()) {
                return;
            }
        }
        Set<String> admissibleFiles = new LinkedHashSet<>();
        admissibleFiles.add(lastCompletedSave);
        admissibleFiles.addAll(savesInFlight);
        String found = report.indexFingerprint();
        boolean writeThrough = found.equals(RecoveryReport.UNTRACKED);   // its index is not a save's: no rule 2
        if (!writeThrough && !admissibleFiles.contains(found)) {
            violations.add(new Violation(Rule.INDEX_IS_A_SAVE, cycle, lastCompletedSaveOp, "the index file holds " + found
                    + "; admissible: the last completed save " + lastCompletedSave
                    + (lastCompletedSaveOp == null ? "" : " (op " + lastCompletedSaveOp + ")")
                    + (savesInFlight.isEmpty() ? "" : " or a save in flight " + savesInFlight)));
        } else if (!writeThrough) {
            lastCompletedSave = found;
        }
        savesInFlight.clear();

        if (!report.opened()) {
            if (faultedCycle != cycle) {
                violations.add(new Violation(Rule.RESTART_OPENS, cycle, null, "the restarted store did not open: "
                        + report.openError()));
            }
            // An open refused under a fault injected into this very process (a read error at load) is the right
            // answer; the next restart, without it, must open and is checked then.
            return;
        }
        Set<String> uuids = new TreeSet<>(possible.keySet());
        uuids.addAll(report.records().keySet());
        for (String uuid : uuids) {
            Set<String> admissible = possible.getOrDefault(uuid, Set.of(ABSENT));
            String actual = report.records().getOrDefault(uuid, ABSENT);
            if (!admissible.contains(actual)) {
                violations.add(new Violation(Rule.WRITES_SURVIVE, cycle, lastWriter.get(uuid), describe(uuid, admissible, actual)));
            }
            possible.put(uuid, new LinkedHashSet<>(Set.of(actual)));
        }
        for (String uuid : report.notFoundByExactQuery()) {
            violations.add(new Violation(Rule.WRITES_SURVIVE, cycle, lastWriter.get(uuid), "record " + uuid
                    + " is in SQLite but a query with its own vector does not find it"));
        }
        for (String mismatch : report.engineMismatches()) {
            violations.add(new Violation(Rule.ENGINE_EQUALS_SQLITE, cycle, null, mismatch));
        }
        if (!report.tempsAfterOpen().isEmpty()) {
            violations.add(new Violation(Rule.NO_STALE_TEMP, cycle, null, "stale temps survived the recovery: "
                    + report.tempsAfterOpen()));
        }
    }

    private static String describe(String uuid, Set<String> admissible, String actual) {
        if (actual.equals(ABSENT)) {
            return "acknowledged upsert of record " + uuid + " was lost (admissible values " + admissible + ")";
        }
        if (admissible.equals(Set.of(ABSENT))) {
            return "record " + uuid + " is present with " + actual + " but was never written or was deleted";
        }
        return "record " + uuid + " holds " + actual + "; admissible values " + admissible;
    }
}
