package io.indexgate.harness.history;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One line of a run's history, Jepsen-style. The child announces each operation ({@link Invoke}) and its outcome
 * ({@link Ok} or {@link Fail}); an operation that never completed because its process died is indeterminate
 * ({@code info} in Jepsen's terms) and may or may not have happened. The parent adds what it did ({@link Start},
 * {@link Kill}, {@link Exit}, {@link Rot}, {@link Settled}) and what a fault rule reported ({@link Fault}).
 * {@link Recovered} carries the state a restarted child found, {@link CrashState} one crash state of a cut under the
 * reordering power-loss model.
 *
 * <p>Each kind is a record; in JSON its {@code type} names it. A line of an unknown type does not parse (an error,
 * never an event silently ignored). Every event has the cycle it belongs to (from 0) and, once the parent recorded
 * it, {@code timeMillis}: milliseconds since the run started.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(Event.Invoke.class), @JsonSubTypes.Type(Event.Ok.class),
        @JsonSubTypes.Type(Event.Fail.class), @JsonSubTypes.Type(Event.Fault.class),
        @JsonSubTypes.Type(Event.Recovered.class), @JsonSubTypes.Type(Event.CrashState.class),
        @JsonSubTypes.Type(Event.Start.class), @JsonSubTypes.Type(Event.Kill.class),
        @JsonSubTypes.Type(Event.Exit.class), @JsonSubTypes.Type(Event.Intrusion.class),
        @JsonSubTypes.Type(Event.Rot.class), @JsonSubTypes.Type(Event.Probe.class),
        @JsonSubTypes.Type(Event.Settled.class), @JsonSubTypes.Type(Event.Trace.class)})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface Event {

    /** The crash/restart cycle, from 0. */
    int cycle();

    /** When the parent recorded the event, milliseconds since the run started; null until then. */
    Long timeMillis();

    /**
     * This event with {@code cycle} and {@code timeMillis}: the same record with those two components replaced
     * (through its canonical constructor, so that no kind of event needs code of its own for it).
     */
    default Event stamped(int cycle, Long timeMillis) {
        RecordComponent[] components = getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                values[i] = switch (components[i].getName()) {
                    case "cycle" -> cycle;
                    case "timeMillis" -> timeMillis;
                    default -> components[i].getAccessor().invoke(this);
                };
            }
            return (Event) getClass().getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot copy the event " + this, e);
        }
    }

    /** This event stamped with the parent's clock. */
    default Event at(long millis) {
        return stamped(cycle(), millis);
    }

    /** This event in another cycle (the child does not know its cycle; the parent does). */
    default Event inCycle(int newCycle) {
        return stamped(newCycle, timeMillis());
    }

    /** The type name, as in JSON. */
    default String type() {
        return getClass().getAnnotation(JsonTypeName.class).value();
    }

    static Invoke invoke(int cycle, long op, Function function, List<Write> writes, String fingerprint) {
        return new Invoke(cycle, op, function, writes, fingerprint, null);
    }

    static Ok ok(int cycle, long op) {
        return new Ok(cycle, op, null);
    }

    static Fail fail(int cycle, long op, String error) {
        return new Fail(cycle, op, error, null);
    }

    static Recovered recovered(int cycle, RecoveryReport report) {
        return new Recovered(cycle, report, null);
    }

    /** What an operation does. In JSON, lower case. */
    enum Function {
        UPSERT, DELETE, QUERY, SAVE;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Function parse(String text) {
            for (Function function : values()) {
                if (function.wire().equals(text)) {
                    return function;
                }
            }
            throw new IllegalArgumentException("unknown operation '" + text + "'; expected one of "
                    + Arrays.stream(values()).map(Function::wire).toList());
        }

        /** Whether it changes records (upsert, delete). */
        public boolean writes() {
            return this == UPSERT || this == DELETE;
        }
    }

    /**
     * One record changed by an upsert or delete.
     *
     * @param uuid   the record
     * @param digest the digest of its new vector, or null for a delete
     */
    record Write(String uuid, String digest) {
    }

    /**
     * An operation is about to act.
     *
     * @param op          its number
     * @param writes      what an upsert or delete changes
     * @param fingerprint the content fingerprint of the index a save is saving
     */
    @JsonTypeName("invoke")
    record Invoke(int cycle, long op, Function function, List<Write> writes, String fingerprint, Long timeMillis)
            implements Event {
        public Invoke {
            writes = writes == null ? null : List.copyOf(writes);
        }
    }

    /** The operation {@code op} completed. */
    @JsonTypeName("ok")
    record Ok(int cycle, long op, Long timeMillis) implements Event {
    }

    /** The operation {@code op} failed with {@code error}; it may or may not have taken effect. */
    @JsonTypeName("fail")
    record Fail(int cycle, long op, String error, Long timeMillis) implements Event {
    }

    /** A fault rule struck in the child (it is about to throw or halt). */
    @JsonTypeName("fault")
    record Fault(int cycle, String detail, Long timeMillis) implements Event {
    }

    /** What a restarted child found when it opened the store. */
    @JsonTypeName("recovered")
    record Recovered(int cycle, RecoveryReport recovery, Long timeMillis) implements Event {
    }

    /**
     * Under the reordering power-loss model, one crash state of the last cut, recovered in a scratch copy before the
     * child goes on from one of them; {@code state} says which pending operations persisted. The checker judges it
     * like a recovery, without making what it found the known state.
     */
    @JsonTypeName("crash-state")
    record CrashState(int cycle, String state, RecoveryReport recovery, Long timeMillis) implements Event {
    }

    /** The parent started the cycle's child. */
    @JsonTypeName("start")
    record Start(int cycle, String detail, Long timeMillis) implements Event {
    }

    /** The parent killed the child (SIGKILL). */
    @JsonTypeName("kill")
    record Kill(int cycle, String detail, Long timeMillis) implements Event {
    }

    /** The child exited with {@code status}. */
    @JsonTypeName("exit")
    record Exit(int cycle, int status, Long timeMillis) implements Event {
    }

    /** A second process tried to open the data directory of a live owner: refused, or (a violation) not. */
    @JsonTypeName("intrusion")
    record Intrusion(int cycle, boolean refused, String detail, Long timeMillis) implements Event {
    }

    /** Which file a {@link Rot} damaged. */
    enum RotTarget {
        INDEX, TEMP;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static RotTarget parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /** The parent damaged a file at rest between cycles. */
    @JsonTypeName("rot")
    record Rot(int cycle, RotTarget target, String detail, Long timeMillis) implements Event {
    }

    /** What a {@link Probe} found. */
    enum ProbeFinding {
        /** Records a query with their own vector does not find. */
        UNREACHABLE,
        /** Engine contents that differ from SQLite's records. */
        DIFFERS,
        /** Temps a failed save left behind though it removed them (rule 5). */
        TEMPS_LEFT;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static ProbeFinding parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * The child found its live engine inconsistent with SQLite when it probed after a write or save, or found temps
     * that a failed save left behind ({@link ProbeFinding#TEMPS_LEFT}).
     */
    @JsonTypeName("probe")
    record Probe(int cycle, ProbeFinding finding, String detail, Long timeMillis) implements Event {
    }

    /**
     * Under the reordering model, the parent settled a cut on one crash state without exploring it (before it damages
     * a file at rest). Nothing for the checker.
     */
    @JsonTypeName("settled")
    record Settled(int cycle, String state, Long timeMillis) implements Event {
    }

    /** The crash-point tracer saw {@code method} make the file-system {@code call}. Nothing for the checker. */
    @JsonTypeName("trace")
    record Trace(int cycle, String method, String call, Long timeMillis) implements Event {
    }
}
