package io.indexgate.harness.nemesis;

import io.indexgate.harness.history.Event;
import io.indexgate.harness.workload.WorkloadMain;

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

    private Faults() {
    }

    /** The occurrence to strike at. */
    public static int strikeAt() {
        return Integer.getInteger(STRIKE_AT_PROPERTY, 1);
    }

    /** Reports a file-system call seen by the crash-point tracer: {@code method} made {@code call}. */
    public static void trace(String method, String call) {
        WorkloadMain.emit(new Event.Trace(0, method, call, null));
    }

    /** Reports a fault (a rule about to throw or otherwise misbehave); the JVM keeps running. */
    public static void report(String description) {
        WorkloadMain.emit(new Event.Fault(0, description, null));
    }

    /** Reports the fault and halts the JVM at once: no shutdown hooks, no flushing, as a process crash. */
    public static void halt(String description) {
        report("halt: " + description);
        System.out.flush();
        Runtime.getRuntime().halt(io.indexgate.harness.workload.ChildExit.HALTED.status());
    }
}
