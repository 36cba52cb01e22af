package io.indexgate.harness.checker;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One broken rule of a run.
 *
 * @param rule    the rule broken
 * @param cycle   the cycle whose recovery showed it
 * @param op      the operation concerned, if one is
 * @param message what is wrong, with the record, operation and values involved
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Violation(Rule rule, int cycle, Long op, String message) {

    /** A one-line description, for reports. */
    public String describe() {
        return "rule " + rule.number() + " (" + rule.title() + "), cycle " + cycle + (op == null ? "" : ", op " + op)
                + ": " + message;
    }
}
