package io.indexgate.harness.campaign;

import io.indexgate.persist.PersistenceMode;
import java.util.Map;
import java.util.Objects;

/**
 * One fault scenario: data, not code. A Byteman rule (for halts and thrown errors) or none (random SIGKILL), with
 * what it is expected to do in each persistence mode.
 *
 * @param name        unique, used on the command line and in reports
 * @param description one sentence
 * @param kind        {@code halt} (the JVM stops at a point), {@code throw} (an I/O error is injected and the JVM
 *                    goes on), {@code kill} (SIGKILL at a seeded random moment), {@code intrude} (a second process
 *                    opens the data directory while the workload's child owns it), {@code rot} (the parent damages a
 *                    file at rest between cycles), {@code churn} (no fault: long cycles of writes, each child probing
 *                    its engine after every write, clean restarts between them) or {@code custom} (a user's rule)
 * @param strikes     where it strikes, for people: for example {@code AtomicIndexWriter.moveIntoPlace, entry}
 * @param rule        the Byteman rule text, null for {@code kill}, {@code intrude}, {@code rot} and {@code churn}
 * @param expected    the expectation per persistence mode; a missing mode means {@link Expectation#ANY}
 * @param minCycles   fault cycles the scenario needs to strike at all (a fault at load needs an index saved by an
 *                    earlier cycle); a campaign runs at least this many
 * @param damage      for {@code rot}: what the parent damages after each fault cycle, {@code <file>:<how>} with file
 *                    {@code index} or {@code temp} and how {@code bitflip}, {@code zero} or {@code truncate} (see
 *                    {@link io.indexgate.harness.nemesis.MediaFaults}); null otherwise
 * @param operations  for {@code churn}: the operations of each of its cycles; 0 otherwise (the campaign's count)
 */
public record Scenario(String name, String description, String kind, String strikes, String rule,
                       Map<PersistenceMode, Expectation> expected, int minCycles, String damage, int operations) {

    public static final String HALT = "halt";
    public static final String THROW = "throw";
    public static final String KILL = "kill";
    public static final String CUSTOM = "custom";
    public static final String INTRUDE = "intrude";
    public static final String ROT = "rot";
    public static final String CHURN = "churn";

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        expected = Map.copyOf(expected);
        minCycles = Math.max(1, minCycles);
        if (!KILL.equals(kind) && !INTRUDE.equals(kind) && !ROT.equals(kind) && !CHURN.equals(kind) && rule == null) {
            throw new IllegalArgumentException("scenario " + name + " of kind " + kind + " needs a rule");
        }
        if (ROT.equals(kind) != (damage != null)) {
            throw new IllegalArgumentException("scenario " + name + ": a damage goes with kind rot, and only there");
        }
        if (CHURN.equals(kind) != (operations > 0)) {
            throw new IllegalArgumentException("scenario " + name + ": an operation count goes with kind churn, and "
                    + "only there");
        }
    }

    /** A scenario of any kind but {@code rot} and {@code churn}. */
    public Scenario(String name, String description, String kind, String strikes, String rule,
                    Map<PersistenceMode, Expectation> expected, int minCycles) {
        this(name, description, kind, strikes, rule, expected, minCycles, null, 0);
    }

    /** The expectation in {@code mode}. */
    public Expectation expectation(PersistenceMode mode) {
        return expected.getOrDefault(mode, Expectation.ANY);
    }

    public boolean isKill() {
        return KILL.equals(kind);
    }

    public boolean isChurn() {
        return CHURN.equals(kind);
    }

    public boolean isIntrusion() {
        return INTRUDE.equals(kind);
    }
}
