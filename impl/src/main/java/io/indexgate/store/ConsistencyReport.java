package io.indexgate.store;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How a collection's engine compares with its records in SQLite (see {@link VectorCollection#checkConsistency()}).
 *
 * @param records                 rows in the records table
 * @param engineVectors           vectors in the engine
 * @param missingFromEngine       records whose key the engine does not hold
 * @param engineKeysWithoutRecord engine keys (row ids) that no record has
 * @param vectorsDiffer           records the engine holds with another vector
 * @param unreachable             records the engine holds with their vector that a query with that vector does not
 *                                find: an index that answers queries without them
 */
public record ConsistencyReport(long records, long engineVectors, List<UUID> missingFromEngine,
                                List<Long> engineKeysWithoutRecord, List<UUID> vectorsDiffer,
                                List<UUID> unreachable) {

    /** How many neighbours a reachability probe asks for: room for a few records with equal vectors. */
    public static final int REACHABILITY_K = 10;

    public ConsistencyReport {
        missingFromEngine = List.copyOf(missingFromEngine);
        engineKeysWithoutRecord = List.copyOf(engineKeysWithoutRecord);
        vectorsDiffer = List.copyOf(vectorsDiffer);
        unreachable = List.copyOf(unreachable);
    }

    /** Whether the engine and SQLite agree and every record is reachable. */
    public boolean consistent() {
        return missingFromEngine.isEmpty() && engineKeysWithoutRecord.isEmpty() && vectorsDiffer.isEmpty()
                && unreachable.isEmpty();
    }

    /** One line per kind of disagreement, with its count and the first {@code firstFew} ids; empty if consistent. */
    public List<String> describe(int firstFew) {
        List<String> lines = contentDifferences(firstFew);
        add(lines, "records a query with their own vector does not find", unreachable, firstFew);
        return lines;
    }

    /** Like {@link #describe}, for the differences of contents only (reachability left out). */
    public List<String> contentDifferences(int firstFew) {
        List<String> lines = new ArrayList<>();
        add(lines, "records missing from the engine", missingFromEngine, firstFew);
        add(lines, "engine keys with no record in SQLite (row ids)", engineKeysWithoutRecord, firstFew);
        add(lines, "records whose vector in the engine differs from SQLite's", vectorsDiffer, firstFew);
        return lines;
    }

    private static void add(List<String> lines, String what, List<?> ids, int firstFew) {
        if (!ids.isEmpty()) {
            lines.add(ids.size() + " " + what + ": " + ids.subList(0, Math.min(firstFew, ids.size()))
                    + (ids.size() > firstFew ? " ..." : ""));
        }
    }
}
