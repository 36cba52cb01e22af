package io.indexgate.harness.workload;

import io.indexgate.harness.history.Event;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The seeded operation generator: the same seed and cycle give the same operations. Records come from a small pool
 * of UUIDs, so that upserts both insert and replace, and deletes hit; a save comes every few operations, so a crash
 * finds saves behind and ahead of it. Not thread-safe.
 */
public final class WorkloadGenerator {

    /** UUIDs are drawn from this many. */
    public static final int POOL = 48;
    /** Vector dimensions of the workload's collection. */
    public static final int DIMENSIONS = 8;

    private final SplittableRandom random;
    private final long seed;
    private int untilSave;

    public WorkloadGenerator(long seed, int cycle) {
        this.seed = seed;
        this.random = new SplittableRandom(seed * 1_000_003L + cycle);
        this.untilSave = 1 + random.nextInt(4);
    }

    /** The UUID of pool slot {@code slot} for this seed. */
    public UUID uuid(int slot) {
        return new UUID(0x1D6A7E00L ^ seed, slot);
    }

    public Operation next() {
        if (--untilSave <= 0) {
            untilSave = 3 + random.nextInt(4);
            return new Operation(Event.Function.SAVE, List.of(), List.of());
        }
        int roll = random.nextInt(10);
        if (roll < 6) {
            int count = 1 + random.nextInt(4);
            Set<UUID> uuids = new LinkedHashSet<>();
            while (uuids.size() < count) {
                uuids.add(uuid(random.nextInt(POOL)));
            }
            List<float[]> vectors = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                vectors.add(vector());
            }
            return new Operation(Event.Function.UPSERT, List.copyOf(uuids), vectors);
        } else if (roll < 8) {
            Set<UUID> uuids = new LinkedHashSet<>();
            int count = 1 + random.nextInt(2);
            while (uuids.size() < count) {
                uuids.add(uuid(random.nextInt(POOL)));
            }
            return new Operation(Event.Function.DELETE, List.copyOf(uuids), List.of());
        }
        return new Operation(Event.Function.QUERY, List.of(), List.of(vector()));
    }

    private float[] vector() {
        float[] vector = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            vector[i] = (float) (random.nextDouble() * 2 - 1);
        }
        // Spread over every direction (a cosine index of near-parallel vectors hides graph bugs: the issue-12 hnswlib
        // bug never showed with all vectors near one axis), and never the zero vector.
        vector[0] += vector[0] < 0 ? -0.05f : 0.05f;
        return vector;
    }
}
