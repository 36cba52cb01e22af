package io.indexgate.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.engine.exact.ExactVectorSearchEngine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replay as a function of a log and an engine. */
class ReplayTest {

    private static final float[] A = {1, 0, 0, 0};
    private static final float[] B = {0, 1, 0, 0};
    private static final float[] C = {0, 0, 1, 0};

    private final RecordingEngine recording = new RecordingEngine(new ExactVectorSearchEngine(
            EngineOptions.of(4, SimilarityMetric.COSINE)));
    private final VectorSearchEngine engine = recording.engine;

    @Test
    void eachTouchedKeyEndsInItsLastLoggedState() {
        Replay.apply(List.of(upsert(1, 1, A), upsert(2, 2, B), upsert(3, 3, C), delete(4, 1)), engine);

        assertArrayEquals(new long[] {2, 3}, engine.keys());
        assertArrayEquals(B, engine.getVectors(new long[] {2}).get(2L));
    }

    @Test
    void replayingTheSameLogAgainChangesNothing() {
        List<PendingOperation> log = List.of(upsert(1, 1, A), upsert(2, 2, B), delete(3, 1));
        Replay.apply(log, engine);
        recording.calls.clear();

        Replay.apply(log, engine);

        assertArrayEquals(new long[] {2}, engine.keys());
        assertEquals(List.of("remove []", "add []"), recording.calls, "no key was removed or added again");
    }

    @Test
    void aKeyHeldWithItsLoggedVectorIsLeftAloneAndOneHeldWithAnotherIsReplaced() {
        engine.add(new long[] {1, 2}, new float[][] {A, B}); // as a loaded index holds them
        recording.calls.clear();

        Replay.apply(List.of(upsert(1, 1, A), upsert(2, 2, C)), engine);

        assertEquals(List.of("remove [2]", "add [2]"), recording.calls);
        assertArrayEquals(A, engine.getVectors(new long[] {1}).get(1L));
        assertArrayEquals(C, engine.getVectors(new long[] {2}).get(2L));
    }

    @Test
    void anEmptyLogTouchesNothing() {
        Replay.apply(List.of(), engine);
        assertEquals(List.of(), recording.calls);
    }

    private static PendingOperation upsert(long id, long rowId, float[] vector) {
        return new PendingOperation(id, true, rowId, vector);
    }

    private static PendingOperation delete(long id, long rowId) {
        return new PendingOperation(id, false, rowId, null);
    }

    /** An engine that delegates every call and records the keys of every add and remove. */
    private static final class RecordingEngine {

        final List<String> calls = new ArrayList<>();
        final VectorSearchEngine engine;

        RecordingEngine(VectorSearchEngine delegate) {
            engine = (VectorSearchEngine) Proxy.newProxyInstance(VectorSearchEngine.class.getClassLoader(),
                    new Class<?>[] {VectorSearchEngine.class}, (proxy, method, arguments) -> {
                        if (method.getName().equals("add") || method.getName().equals("remove")) {
                            calls.add(method.getName() + " " + Arrays.toString((long[]) arguments[0]));
                        }
                        try {
                            return method.invoke(delegate, arguments);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
