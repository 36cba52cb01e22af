package io.indexgate.harness;

import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.RecoveryReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Generates histories of a correct store: operations take effect atomically, some complete, some fail (and may or
 * may not have taken effect), a crash leaves the operation in flight done or not, and every recovery reports exactly
 * the state that resulted. The checker must accept every one of them.
 */
final class HistorySimulator {

    private final Random random;
    private final Map<String, String> records = new HashMap<>();
    private String file = RecoveryReport.ABSENT;
    private final List<Event> history = new ArrayList<>();
    private long nextOp;

    HistorySimulator(long seed) {
        this.random = new Random(seed);
    }

    List<Event> generate(int cycles, int operationsPerCycle) {
        for (int cycle = 0; cycle <= cycles; cycle++) {
            history.add(Event.recovered(cycle, report()));
            if (cycle == cycles) {
                break;
            }
            for (int i = 0; i < operationsPerCycle; i++) {
                long op = nextOp++;
                Event.Invoke invoke = nextInvoke(cycle, op);
                history.add(invoke);
                int roll = random.nextInt(20);
                if (roll == 0) {                  // crash with the operation in flight
                    if (random.nextBoolean()) {
                        apply(invoke);
                    }
                    break;
                } else if (roll == 1) {           // failed: may or may not have happened
                    if (random.nextBoolean()) {
                        apply(invoke);
                    }
                    history.add(Event.fail(cycle, op, "injected"));
                } else {
                    apply(invoke);
                    history.add(Event.ok(cycle, op));
                }
            }
        }
        return history;
    }

    private Event.Invoke nextInvoke(int cycle, long op) {
        int roll = random.nextInt(10);
        if (roll < 2) {
            return Event.invoke(cycle, op, Event.Function.SAVE, null, fingerprint());
        }
        List<Event.Write> writes = new ArrayList<>();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            String uuid = "u" + random.nextInt(12);
            if (writes.stream().noneMatch(w -> w.uuid().equals(uuid))) {
                writes.add(new Event.Write(uuid, roll < 8 ? "d" + random.nextInt(1000) : null));
            }
        }
        return Event.invoke(cycle, op, roll < 8 ? Event.Function.UPSERT : Event.Function.DELETE, writes, null);
    }

    private void apply(Event.Invoke invoke) {
        if (invoke.function() == Event.Function.SAVE) {
            file = invoke.fingerprint();
            return;
        }
        for (Event.Write write : invoke.writes()) {
            if (write.digest() == null) {
                records.remove(write.uuid());
            } else {
                records.put(write.uuid(), write.digest());
            }
        }
    }

    private String fingerprint() {
        return "fp" + new TreeMap<>(records).hashCode();
    }

    private RecoveryReport report() {
        return new RecoveryReport(true, null, file, new TreeMap<>(records), List.of(), List.of(), List.of(),
                List.of());
    }
}
