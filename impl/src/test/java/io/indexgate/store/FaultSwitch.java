package io.indexgate.store;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Arms an in-process Byteman rule: the rule's condition calls {@link #strike()}, which is true exactly once, at the
 * armed occurrence of the rule's point. Unlike Byteman's own counters it is reset by each test.
 */
public final class FaultSwitch {

    private static final AtomicInteger REMAINING = new AtomicInteger(-1);

    private FaultSwitch() {
    }

    /** The {@code occurrence}-th call of the rule's point (1 = the next one) strikes. */
    public static void arm(int occurrence) {
        REMAINING.set(occurrence);
    }

    public static void disarm() {
        REMAINING.set(-1);
    }

    /** Called by rule conditions. */
    public static boolean strike() {
        return REMAINING.get() > 0 && REMAINING.decrementAndGet() == 0;
    }
}
