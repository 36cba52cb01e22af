package io.indexgate.harness.campaign;

/** What a scenario is expected to do in one persistence mode. */
public enum Expectation {
    /** The checker finds no violation. */
    VALID,
    /** The checker finds a violation: the gate bites. */
    INVALID,
    /** Either: whether the fault lands on a vulnerable moment is chance (random kills of a weak mode). */
    ANY,
    /** The fault's point is never reached in this mode (a rename in DIRECT mode, which has none). */
    UNREACHED
}
