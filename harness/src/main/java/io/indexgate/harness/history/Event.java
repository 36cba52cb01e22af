package io.indexgate.harness.history;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One line of a run's history, Jepsen-style. The child announces each operation ({@code invoke}) and its outcome
 * ({@code ok} or {@code fail}); an operation that never completed because its process died is indeterminate
 * ({@code info} in Jepsen's terms) and may or may not have happened. The parent adds what it did ({@code start},
 * {@code kill}, {@code exit}) and what a fault rule reported ({@code fault}). {@code recovered} carries the state a
 * restarted child found.
 *
 * @param type        invoke, ok, fail, fault, recovered, start, kill, exit, intrusion, rot, probe, crash-state,
 *                    settled
 * @param cycle       the crash/restart cycle, from 0
 * @param op          the operation number (invoke, ok, fail)
 * @param function    upsert, delete, query or save (invoke)
 * @param writes      what an upsert or delete changes (invoke)
 * @param fingerprint the content fingerprint of the index being saved (invoke of a save)
 * @param error       the failure (fail, exit), the fault (fault, kill) or the outcome (intrusion)
 * @param recovery    the recovered state (recovered, crash-state)
 * @param timeMillis  when the parent recorded the event, milliseconds since the run started
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(String type, int cycle, Long op, String function, List<Write> writes, String fingerprint,
                    String error, RecoveryReport recovery, Long timeMillis) {

    public static final String INVOKE = "invoke";
    public static final String OK = "ok";
    public static final String FAIL = "fail";
    public static final String FAULT = "fault";
    public static final String RECOVERED = "recovered";
    public static final String START = "start";
    public static final String KILL = "kill";
    public static final String EXIT = "exit";
    /** A second process tried to open the data directory of a live owner; the detail says whether it could. */
    public static final String INTRUSION = "intrusion";
    /** The parent damaged a file at rest between cycles; the detail starts with {@link #ROT_INDEX} or {@link #ROT_TEMP}. */
    public static final String ROT = "rot";
    /**
     * The child found its live engine inconsistent with SQLite when it probed after a write or save (no event when
     * it was consistent); the detail starts with {@link #PROBE_UNREACHABLE} or {@link #PROBE_DIFFERS}.
     */
    public static final String PROBE = "probe";
    public static final String PROBE_UNREACHABLE = "unreachable: ";
    /**
     * Under the reordering power-loss model, one crash state of the last cut, recovered in a scratch copy and
     * reported before the child goes on from one of them; the detail describes which pending operations persisted.
     * The checker judges it like a recovery, without making what it found the known state.
     */
    public static final String CRASH_STATE = "crash-state";
    /**
     * Under the reordering model, the parent settled a cut on one crash state without exploring it (before it damages
     * a file at rest); the detail is that state. Nothing for the checker.
     */
    public static final String SETTLED = "settled";
    public static final String PROBE_DIFFERS = "differs: ";
    public static final String ROT_INDEX = "index ";
    public static final String ROT_TEMP = "temp ";
    /** The detail of an intrusion whose open was refused starts with this. */
    public static final String INTRUSION_REFUSED = "refused: ";
    /** The detail of an intrusion whose open succeeded starts with this. */
    public static final String INTRUSION_OPENED = "opened: ";

    public static final String UPSERT = "upsert";
    public static final String DELETE = "delete";
    public static final String QUERY = "query";
    public static final String SAVE = "save";

    /**
     * One record changed by an upsert or delete.
     *
     * @param uuid   the record
     * @param digest the digest of its new vector, or null for a delete
     */
    public record Write(String uuid, String digest) {
    }

    public static Event invoke(int cycle, long op, String function, List<Write> writes, String fingerprint) {
        return new Event(INVOKE, cycle, op, function, writes, fingerprint, null, null, null);
    }

    public static Event ok(int cycle, long op) {
        return new Event(OK, cycle, op, null, null, null, null, null, null);
    }

    public static Event fail(int cycle, long op, String error) {
        return new Event(FAIL, cycle, op, null, null, null, error, null, null);
    }

    public static Event recovered(int cycle, RecoveryReport report) {
        return new Event(RECOVERED, cycle, null, null, null, null, null, report, null);
    }

    public static Event crashState(int cycle, String description, RecoveryReport report) {
        return new Event(CRASH_STATE, cycle, null, null, null, null, description, report, null);
    }

    public static Event of(String type, int cycle, String detail) {
        return new Event(type, cycle, null, null, null, null, detail, null, null);
    }

    /** This event stamped with the parent's clock. */
    public Event at(long millis) {
        return new Event(type, cycle, op, function, writes, fingerprint, error, recovery, millis);
    }

    /** This event in another cycle (the child does not know its cycle; the parent does). */
    public Event inCycle(int newCycle) {
        return new Event(type, newCycle, op, function, writes, fingerprint, error, recovery, timeMillis);
    }
}
