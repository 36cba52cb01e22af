package io.indexgate.store;

import static io.indexgate.store.StoreFixtures.uuid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.engine.exact.ExactVectorSearchEngine;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsistencyCheckTest {

    private static final float[] A = {1, 0, 0, 0};
    private static final float[] B = {0, 1, 0, 0};
    private static final float[] C = {0, 0, 1, 0};

    private final VectorSearchEngine engine = new ExactVectorSearchEngine(
            EngineOptions.of(4, SimilarityMetric.COSINE));

    @Test
    void anEngineHoldingExactlyTheRecordsIsConsistent() {
        engine.add(new long[] {1, 2}, new float[][] {A, B});
        ConsistencyReport report = ConsistencyCheck.compare(List.of(stored(1, A), stored(2, B)), engine);
        assertTrue(report.consistent(), report.toString());
        assertEquals(2, report.records());
        assertEquals(2, report.engineVectors());
    }

    @Test
    void missingExtraAndDifferingEntriesAreEachNamed() {
        engine.add(new long[] {2, 3, 9}, new float[][] {B, A, C});
        ConsistencyReport report = ConsistencyCheck.compare(List.of(stored(1, A), stored(2, B), stored(3, C)),
                engine);
        assertFalse(report.consistent());
        assertEquals(List.of(uuid(1)), report.missingFromEngine());
        assertEquals(List.of(9L), report.engineKeysWithoutRecord());
        assertEquals(List.of(uuid(3)), report.vectorsDiffer());
        assertEquals(List.of(), report.unreachable());
    }

    private static StoredRecord stored(int n, float[] vector) {
        return new StoredRecord(n, VectorRecord.of(uuid(n), vector));
    }
}
