package io.indexgate.harness.sut;

import io.indexgate.harness.history.RecoveryReport;
import io.indexgate.harness.process.TempFiles;
import io.indexgate.harness.workload.WorkloadGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The conformance check of a protocol store ({@code indexgate conform}, and the first thing {@code run --sut-command}
 * does): a fault-free session in a temp directory that exercises every request of the protocol and what the checker
 * relies on (exact vectors back, a query finds a record by its own vector, a persisted fingerprint equal to the live
 * one after a save, what was acknowledged still there after a restart and after an end of input without a save, a
 * request the store does not know answered with {@code "ok": false}), so that a store that does not speak the
 * protocol is told what is wrong before a campaign reads its silence as a crash.
 */
public final class Conformance {

    private static final int DIMENSIONS = WorkloadGenerator.DIMENSIONS;

    private Conformance() {
    }

    /** A step that did not hold. */
    private static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    /**
     * Runs the check, printing one line per step to {@code out}; true if every step held.
     */
    public static boolean check(String command, PrintWriter out) {
        Path directory;
        try {
            directory = Files.createTempDirectory("indexgate-conform");
        } catch (IOException e) {
            out.println("FAIL: cannot create a temp directory: " + e);
            return false;
        }
        // A conformance session injects no faults: there are no harness events to pass on.
        PrintStream eventStream = new PrintStream(java.io.OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8);
        CommandStore first = new CommandStore(command, false, eventStream);
        CommandStore second = new CommandStore(command, false, eventStream);
        String step = "start";
        try {
            Path data = directory.resolve("data");
            SystemUnderTest.OpenSpec spec = new SystemUnderTest.OpenSpec(data, DIMENSIONS, null, null);
            step = "persisted, before any open";
            expect(first.persistedFingerprint(spec).equals(RecoveryReport.ABSENT), "a new data directory has no "
                    + "persisted index, so 'persisted' must answer \"absent\", not " + first.persistedFingerprint(spec));
            ok(out, step);
            step = "open";
            first.open(spec);
            ok(out, step);
            UUID a = new UUID(1, 1);
            UUID b = new UUID(1, 2);
            UUID c = new UUID(1, 3);
            step = "upsert, then records";
            first.upsert(List.of(a, b, c), List.of(vector(1), vector(2), vector(3)));
            Map<UUID, float[]> records = first.records();
            expect(records.keySet().equals(java.util.Set.of(a, b, c)), "records after upserting 3: "
                    + records.keySet());
            expect(Arrays.equals(records.get(b), vector(2)), "the vector of a record must come back exactly (as "
                    + "32-bit floats): sent " + Arrays.toString(vector(2)) + ", got " + Arrays.toString(records.get(b)));
            ok(out, step);
            step = "query";
            for (UUID uuid : List.of(a, b, c)) {
                List<UUID> found = first.query(records.get(uuid), 1);
                expect(found.equals(List.of(uuid)), "a query for 1 neighbour with the vector of " + uuid
                        + " must return it, got " + found);
            }
            ok(out, step);
            step = "index (the consistency of the live index)";
            Consistency consistency = first.consistency();
            expect(consistency.unreachable().isEmpty() && consistency.differences().isEmpty(),
                    "the index must hold the records: " + consistency);
            ok(out, step);
            step = "fingerprint, save, persisted";
            String live = first.liveFingerprint();
            first.save();
            String persisted = first.persistedFingerprint(spec);
            expect(persisted.equals(live), "after a save 'persisted' must answer the 'fingerprint' of the saved "
                    + "state: " + live + ", got " + persisted);
            ok(out, step);
            step = "delete";
            first.delete(List.of(c));
            expect(!first.records().containsKey(c), "a deleted record must be gone from 'records'");
            expect(!first.query(vector(3), 3).contains(c), "a deleted record must not be found");
            ok(out, step);
            step = "a request the store does not know";
            try {
                first.call(io.indexgate.harness.history.Histories.json().createObjectNode().put("op", "teleport"));
                throw new Failed("an unknown op must be answered with \"ok\": false");
            } catch (CommandStore.ProtocolException expected) {
                first.records();
            }
            ok(out, step);
            step = "a second opener of the same data directory";
            try {
                second.open(spec);
                out.println("note: a second process opened the data directory while the first held it; the "
                        + "store does not answer \"refusal\": \"owner\", which the second-opener scenario needs");
            } catch (CommandStore.ProtocolException refused) {
                expect(second.isOwnerRefusal(refused), "a refused second open must say \"refusal\": \"owner\": "
                        + refused.getMessage());
                ok(out, step);
            } finally {
                second.abandon();
            }
            step = "close, then open again";
            first.close();
            CommandStore reopened = new CommandStore(command, false, eventStream);
            reopened.open(spec);
            expect(reopened.records().keySet().equals(java.util.Set.of(a, b)), "after a restart the acknowledged "
                    + "records must be there: " + reopened.records().keySet());
            consistency = reopened.consistency();
            expect(consistency.unreachable().isEmpty() && consistency.differences().isEmpty(),
                    "the recovered index must hold the records: " + consistency);
            ok(out, step);
            step = "the end of the input (a crash without a save), then open again";
            UUID d = new UUID(1, 4);
            reopened.upsert(List.of(d), List.of(vector(4)));
            reopened.abandon();
            CommandStore again = new CommandStore(command, false, eventStream);
            again.open(spec);
            expect(again.records().containsKey(d), "an acknowledged upsert must survive the end of the input");
            again.close();
            ok(out, step);
            out.println("the store speaks the workload protocol");
            return true;
        } catch (Failed | IOException | RuntimeException e) {
            out.println("FAIL at '" + step + "': " + e.getMessage());
            return false;
        } catch (Exception e) {
            out.println("FAIL at '" + step + "': " + e);
            return false;
        } finally {
            first.abandon();
            second.abandon();
            try {
                TempFiles.deleteTree(directory);
            } catch (IOException e) {
                out.println("note: cannot delete " + directory + ": " + e.getMessage());
            }
        }
    }

    private static void ok(PrintWriter out, String step) {
        out.println("ok: " + step);
    }

    private static void expect(boolean condition, String message) throws Failed {
        if (!condition) {
            throw new Failed(message);
        }
    }

    /** A unit vector along a direction of its own. */
    private static float[] vector(int n) {
        float[] vector = new float[DIMENSIONS];
        vector[n % DIMENSIONS] = 1;
        vector[(n + 1) % DIMENSIONS] = 0.5f;
        return vector;
    }
}
