package io.indexgate.harness.campaign;

import io.indexgate.harness.nemesis.SyscallFault;
import io.indexgate.testing.PersistenceMode;
import java.util.Map;
import java.util.Objects;

/**
 * One fault scenario: data, not code. A Byteman rule (for halts and thrown errors), a fault of the preloaded
 * file-system library (below the JVM), or none (random SIGKILL, damage at rest, intrusion, churn), with what it is
 * expected to do in each persistence mode.
 *
 * @param name        unique, used on the command line and in reports
 * @param description one sentence
 * @param kind        what it does (see {@link Kind})
 * @param strikes     where it strikes, for people: for example {@code AtomicIndexWriter.moveIntoPlace, entry}
 * @param rule        the Byteman rule text, null for {@code kill}, {@code intrude}, {@code rot} and {@code churn}
 * @param expected    the expectation per persistence mode; a missing mode means {@link Expectation#ANY}
 * @param minCycles   fault cycles the scenario needs to strike at all (a fault at load needs an index saved by an
 *                    earlier cycle); a campaign runs at least this many
 * @param damage      for {@code rot}: what the parent damages after each fault cycle, {@code <file>:<how>} with file
 *                    {@code index} or {@code temp} and how {@code bitflip}, {@code zero} or {@code truncate} (see
 *                    {@link io.indexgate.harness.nemesis.MediaFaults}); null otherwise
 * @param operations  for {@code churn}: the operations of each of its cycles; 0 otherwise (the campaign's count)
 * @param syscall     for {@code syscall}: the fault the preloaded file-system library injects in the first cycle's
 *                    child (see {@link io.indexgate.harness.powerloss.FileSystemShim}); null otherwise
 */
public record Scenario(String name, String description, Kind kind, String strikes, String rule,
                       Map<PersistenceMode, Expectation> expected, int minCycles, String damage, int operations,
                       SyscallFault syscall) {

    /** What a scenario does to the children. In descriptors and reports, lower case. */
    public enum Kind {
        /** A rule halts the JVM at a point. */
        HALT(true),
        /** A rule makes an I/O call throw; the JVM goes on. */
        THROW(true),
        /** The parent sends SIGKILL at a seeded moment. */
        KILL(false),
        /** A second process opens the data directory while the workload's child owns it. */
        INTRUDE(false),
        /** The parent damages a file at rest between cycles. */
        ROT(false),
        /** No fault: long cycles of writes with the engine probed after each. */
        CHURN(false),
        /** A user's rule file. */
        CUSTOM(true),
        /**
         * Below the JVM: the preloaded file-system library crashes the child at, or fails, the N-th file-system call
         * it makes under the data directory (an enumerated crash point of SQLite's commit or of a save).
         */
        SYSCALL(false);

        private final boolean needsRule;

        Kind(boolean needsRule) {
            this.needsRule = needsRule;
        }

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * The kind named {@code text}.
         *
         * @throws IllegalArgumentException naming the kinds
         */
        public static Kind parse(String text) {
            for (Kind kind : values()) {
                if (kind.wire().equals(text)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown scenario kind '" + text + "'; expected one of "
                    + java.util.Arrays.stream(values()).map(Kind::wire).toList());
        }
    }

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        expected = Map.copyOf(expected);
        minCycles = Math.max(1, minCycles);
        if (kind.needsRule && rule == null) {
            throw new IllegalArgumentException("scenario " + name + " of kind " + kind.wire() + " needs a rule");
        }
        if ((kind == Kind.ROT) != (damage != null)) {
            throw new IllegalArgumentException("scenario " + name + ": a damage goes with kind rot, and only there");
        }
        if ((kind == Kind.SYSCALL) != (syscall != null)) {
            throw new IllegalArgumentException("scenario " + name + ": a file-system fault goes with kind syscall, "
                    + "and only there");
        }
        if ((kind == Kind.CHURN) != (operations > 0)) {
            throw new IllegalArgumentException("scenario " + name + ": an operation count goes with kind churn, and "
                    + "only there");
        }
    }

    /** A builder of a scenario of {@code kind}: name and kind are required, the rest defaults to none. */
    public static Builder builder(String name, Kind kind) {
        return new Builder(name, kind);
    }

    /** Builds a {@link Scenario}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Kind kind;
        private String description = "";
        private String strikes = "";
        private String rule;
        private final Map<PersistenceMode, Expectation> expected = new java.util.EnumMap<>(PersistenceMode.class);
        private int minCycles = 1;
        private String damage;
        private int operations;
        private SyscallFault syscall;

        private Builder(String name, Kind kind) {
            this.name = name;
            this.kind = kind;
        }

        public Builder description(String value) {
            description = value;
            return this;
        }

        public Builder strikes(String value) {
            strikes = value;
            return this;
        }

        /** The Byteman rule text. */
        public Builder rule(String value) {
            rule = value;
            return this;
        }

        public Builder expect(PersistenceMode mode, Expectation expectation) {
            expected.put(mode, expectation);
            return this;
        }

        public Builder minCycles(int value) {
            minCycles = value;
            return this;
        }

        public Builder damage(String value) {
            damage = value;
            return this;
        }

        public Builder operations(int value) {
            operations = value;
            return this;
        }

        public Builder syscall(SyscallFault value) {
            syscall = value;
            return this;
        }

        /** @throws IllegalArgumentException if the parts do not fit the kind (see {@link Scenario}) */
        public Scenario build() {
            return new Scenario(name, description, kind, strikes, rule, expected, minCycles, damage, operations,
                    syscall);
        }
    }

    /** The expectation in {@code mode}. */
    public Expectation expectation(PersistenceMode mode) {
        return expected.getOrDefault(mode, Expectation.ANY);
    }

    public boolean isKill() {
        return kind == Kind.KILL;
    }

    public boolean isChurn() {
        return kind == Kind.CHURN;
    }

    public boolean isSyscall() {
        return kind == Kind.SYSCALL;
    }

    public boolean isIntrusion() {
        return kind == Kind.INTRUDE;
    }
}
