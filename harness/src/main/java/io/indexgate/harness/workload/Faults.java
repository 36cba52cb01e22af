package io.indexgate.harness.workload;

import io.indexgate.harness.history.Event;

/**
 * Called by fault rules (Byteman) in a child JVM. A rule reports its strike here before it acts, so that the parent's
 * history shows every injected fault, and a scenario whose rule never fired is caught instead of passing vacuously.
 *
 * <p>Which occurrence of its point a rule strikes is drawn by the parent from the seed and passed as the system
 * property {@value #STRIKE_AT_PROPERTY}; rules compare it with a Byteman counter.
 */
public final class Faults {

    /** The system property naming which occurrence of its point a rule strikes (1 = the first). */
    public static final String STRIKE_AT_PROPERTY = "indexgate.fault.strikeAt";

    /** The exit status of a halted child, as if killed by SIGKILL. */
    public static final int HALT_STATUS = 137;

    private Faults() {
    }

    /** The occurrence to strike at. */
    public static int strikeAt() {
        return Integer.getInteger(STRIKE_AT_PROPERTY, 1);
    }

    /** Reports a file-system call seen by the crash-point tracer: {@code method} made {@code call}. */
    public static void trace(String method, String call) {
        WorkloadMain.emit(Event.of(TRACE, 0, method + "|" + call));
    }

    /** The event type of {@link #trace}. */
    public static final String TRACE = "trace";

    /** Reports a fault (a rule about to throw or otherwise misbehave); the JVM keeps running. */
    public static void report(String description) {
        WorkloadMain.emit(Event.of(Event.FAULT, 0, description));
    }

    /** Reports the fault and halts the JVM at once: no shutdown hooks, no flushing, as a process crash. */
    public static void halt(String description) {
        report("halt: " + description);
        System.out.flush();
        Runtime.getRuntime().halt(HALT_STATUS);
    }
}
