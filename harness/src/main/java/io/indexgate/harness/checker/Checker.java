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
    private final Map<Long, Event> inFlight = new LinkedHashMap<>();
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
        switch (event.type()) {
            case Event.INVOKE -> inFlight.put(event.op(), event);
            case Event.OK -> {
                Event invoke = inFlight.remove(event.op());
                if (invoke != null) {
                    happened(invoke);
                }
            }
            case Event.FAIL -> {
                Event invoke = inFlight.remove(event.op());
                if (invoke != null) {
                    mayHaveHappened(invoke);
                }
            }
            case Event.RECOVERED -> recovered(event);
            case Event.CRASH_STATE -> crashState(event);
            case Event.FAULT -> faultedCycle = event.cycle();
            case Event.INTRUSION -> intrusion(event);
            case Event.PROBE -> violations.add(new Violation(
                    event.error().startsWith(Event.PROBE_UNREACHABLE) ? 3 : 4, event.cycle(), null,
                    "the running store's engine, probed after an operation: " + event.error()));
            case Event.ROT -> indexRotted |= event.error() != null && event.error().startsWith(Event.ROT_INDEX);
            default -> {
            }
        }
    }

    private void crashState(Event event) {
        Checker alternative = new Checker(this);
        alternative.recovered(event);
        for (Violation violation : alternative.violations) {
            violations.add(new Violation(violation.rule(), violation.cycle(), violation.op(),
                    "in crash state " + event.error() + ": " + violation.message()));
        }
    }

    private void intrusion(Event event) {
        if (event.error() == null || !event.error().startsWith(Event.INTRUSION_REFUSED)) {
            violations.add(new Violation(6, event.cycle(), null, "a second process was not refused the data "
                    + "directory while its owner held it: " + event.error()));
        }
    }

    private void happened(Event invoke) {
        switch (invoke.function()) {
            case Event.UPSERT, Event.DELETE -> {
                for (Event.Write write : invoke.writes()) {
                    possible.put(write.uuid(), new LinkedHashSet<>(Set.of(value(write))));
                    lastWriter.put(write.uuid(), invoke.op());
                }
            }
            case Event.SAVE -> {
                lastCompletedSave = invoke.fingerprint();
                lastCompletedSaveOp = invoke.op();
                savesInFlight.clear();
            }
            default -> {
            }
        }
    }

    private void mayHaveHappened(Event invoke) {
        switch (invoke.function()) {
            case Event.UPSERT, Event.DELETE -> {
                for (Event.Write write : invoke.writes()) {
                    possible.computeIfAbsent(write.uuid(), uuid -> new LinkedHashSet<>(Set.of(ABSENT)))
                            .add(value(write));
                }
            }
            case Event.SAVE -> savesInFlight.add(invoke.fingerprint());
            default -> {
            }
        }
    }

    private static String value(Event.Write write) {
        return write.digest() == null ? ABSENT : write.digest();
    }

    private void recovered(Event event) {
        // Whatever was in flight when the previous process died may or may not have happened.
        inFlight.values().forEach(this::mayHaveHappened);
        inFlight.clear();
        RecoveryReport report = event.recovery();
        int cycle = event.cycle();

        if (indexRotted) {
            // The index file holds what the rot made of it: the one right answer is to refuse it.
            if (report.opened()) {
                indexRotted = false;
                violations.add(new Violation(7, cycle, null, "the store opened over an index file damaged at rest "
                        + "(its content now reads as " + report.indexFingerprint() + ") instead of refusing it"));
            } else if (report.openError() == null || !report.openError().contains("IndexLoadError")) {
                violations.add(new Violation(1, cycle, null, "the restarted store refused the damaged index file "
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
        if (!admissibleFiles.contains(found)) {
            violations.add(new Violation(2, cycle, lastCompletedSaveOp, "the index file holds " + found
                    + "; admissible: the last completed save " + lastCompletedSave
                    + (lastCompletedSaveOp == null ? "" : " (op " + lastCompletedSaveOp + ")")
                    + (savesInFlight.isEmpty() ? "" : " or a save in flight " + savesInFlight)));
        } else {
            lastCompletedSave = found;
        }
        savesInFlight.clear();

        if (!report.opened()) {
            if (faultedCycle != cycle) {
                violations.add(new Violation(1, cycle, null, "the restarted store did not open: "
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
                violations.add(new Violation(3, cycle, lastWriter.get(uuid), describe(uuid, admissible, actual)));
            }
            possible.put(uuid, new LinkedHashSet<>(Set.of(actual)));
        }
        for (String uuid : report.notFoundByExactQuery()) {
            violations.add(new Violation(3, cycle, lastWriter.get(uuid), "record " + uuid
                    + " is in SQLite but a query with its own vector does not find it"));
        }
        for (String mismatch : report.engineMismatches()) {
            violations.add(new Violation(4, cycle, null, mismatch));
        }
        if (!report.tempsAfterOpen().isEmpty()) {
            violations.add(new Violation(5, cycle, null, "stale temps survived the recovery: "
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
