package io.indexgate.harness.checker;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The checker's rules, by number (as reports and the README cite them). In JSON, the number. */
public enum Rule {
    /** A restart opens the store (an {@code IndexLoadError} or any startup failure breaks it). */
    RESTART_OPENS(1, "restart opens the store"),
    /** The index file is the last completed save or a save in flight. */
    INDEX_IS_A_SAVE(2, "index is the last or in-flight save"),
    /** Acknowledged writes survive, and every record is found by a query with its own vector. */
    WRITES_SURVIVE(3, "acknowledged writes survive"),
    /** The engine's contents equal the records in SQLite. */
    ENGINE_EQUALS_SQLITE(4, "engine equals SQLite"),
    /** No stale temp survives a recovery, and a failed save leaves no temp behind (unless removing it failed too). */
    NO_STALE_TEMP(5, "no stale temp after recovery or a failed save"),
    /** A second process is refused a data directory its owner holds. */
    ONE_OWNER(6, "one owner per data directory"),
    /** An index file damaged at rest is refused, never loaded. */
    DAMAGE_REFUSED(7, "damaged index refused");

    private final int number;
    private final String title;

    Rule(int number, String title) {
        this.number = number;
        this.title = title;
    }

    @JsonValue
    public int number() {
        return number;
    }

    public String title() {
        return title;
    }

    @JsonCreator
    public static Rule of(int number) {
        for (Rule rule : values()) {
            if (rule.number == number) {
                return rule;
            }
        }
        throw new IllegalArgumentException("there is no checker rule " + number + " (rules are 1 to "
                + values().length + ")");
    }
}
