package io.indexgate.harness.sut;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * How a store's index compares with its records.
 *
 * @param unreachable records that a query for {@value #REACHABILITY_K} neighbours with their own vector does not return
 * @param differences every other disagreement between the index and the records, one line per kind
 */
public record Consistency(List<UUID> unreachable, List<String> differences) {

    /** How many neighbours a reachability probe asks for: room for a few records with equal vectors. */
    public static final int REACHABILITY_K = 10;

    public Consistency {
        unreachable = List.copyOf(unreachable);
        differences = List.copyOf(differences);
    }

    /** A query of the store under test. */
    @FunctionalInterface
    public interface Query {
        List<UUID> nearest(float[] vector, int k) throws Exception;
    }

    /**
     * The comparison of an index's contents with the records: records the index lacks, ids the index holds with no
     * record, vectors that differ, and records the index holds that a query with their own vector does not find.
     */
    public static Consistency of(Map<UUID, float[]> records, Map<UUID, float[]> index, Query query) throws Exception {
        List<UUID> missing = new ArrayList<>();
        List<UUID> differ = new ArrayList<>();
        List<UUID> unreachable = new ArrayList<>();
        for (UUID uuid : new TreeSet<>(records.keySet())) {
            float[] held = index.get(uuid);
            if (held == null) {
                missing.add(uuid);
            } else if (!Arrays.equals(held, records.get(uuid))) {
                differ.add(uuid);
            } else if (!query.nearest(held, REACHABILITY_K).contains(uuid)) {
                unreachable.add(uuid);
            }
        }
        List<UUID> extra = new ArrayList<>(new TreeSet<>(index.keySet()));
        extra.removeAll(records.keySet());
        List<String> lines = new ArrayList<>();
        add(lines, "records missing from the index", missing);
        add(lines, "index entries with no record", extra);
        add(lines, "records whose vector in the index differs from the record's", differ);
        return new Consistency(unreachable, lines);
    }

    private static void add(List<String> lines, String what, List<UUID> ids) {
        if (!ids.isEmpty()) {
            lines.add(ids.size() + " " + what + ": " + ids.subList(0, Math.min(10, ids.size()))
                    + (ids.size() > 10 ? " ..." : ""));
        }
    }
}
