package io.indexgate.harness.checker;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One broken rule of a run.
 *
 * @param rule    1 restart failed; 2 index file is neither the last completed save nor the one in flight;
 *                3 acknowledged write lost, or not found by an exact query; 4 engine differs from SQLite;
 *                5 stale temp survived recovery; 6 a second process opened a data directory its owner held;
 *                7 an index file damaged at rest was loaded instead of refused
 * @param cycle   the cycle whose recovery showed it
 * @param op      the operation concerned, if one is
 * @param message what is wrong, with the record, operation and values involved
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Violation(int rule, int cycle, Long op, String message) {

    /** A one-line description, for reports. */
    public String describe() {
        return "rule " + rule + " (" + ruleName(rule) + "), cycle " + cycle + (op == null ? "" : ", op " + op)
                + ": " + message;
    }

    public static String ruleName(int rule) {
        return switch (rule) {
            case 1 -> "restart opens the store";
            case 2 -> "index is the last or in-flight save";
            case 3 -> "acknowledged writes survive";
            case 4 -> "engine equals SQLite";
            case 5 -> "no stale temp after recovery";
            case 6 -> "one owner per data directory";
            case 7 -> "damaged index refused";
            default -> "rule " + rule;
        };
    }
}
