package io.indexgate.engine;

import io.indexgate.engine.exact.ExactVectorSearchEngine;
import io.indexgate.engine.hnswlib.HnswlibVectorSearchEngine;
import io.indexgate.engine.usearch.USearchVectorSearchEngine;
import java.util.List;

/** Creates engines by id. Thread-safe. */
public final class Engines {

    private Engines() {
    }

    /** The ids of every engine this code knows, available in this build or not. */
    public static List<String> ids() {
        return List.of(HnswlibVectorSearchEngine.ENGINE_ID, USearchVectorSearchEngine.ENGINE_ID,
                ExactVectorSearchEngine.ENGINE_ID);
    }

    /** Whether an engine can be created here (USearch needs its native library, built by default). */
    public static boolean isAvailable(String engineId) {
        return !USearchVectorSearchEngine.ENGINE_ID.equals(engineId) || USearchVectorSearchEngine.isAvailable();
    }

    /**
     * A new, empty engine.
     *
     * @throws IllegalArgumentException naming the known engines if {@code engineId} is none of them
     * @throws IllegalStateException    naming the reason if the engine is not available in this build
     */
    public static VectorSearchEngine create(String engineId, EngineOptions options) {
        return switch (engineId) {
            case HnswlibVectorSearchEngine.ENGINE_ID -> new HnswlibVectorSearchEngine(options);
            case USearchVectorSearchEngine.ENGINE_ID -> new USearchVectorSearchEngine(options);
            case ExactVectorSearchEngine.ENGINE_ID -> new ExactVectorSearchEngine(options);
            default -> throw new IllegalArgumentException("unknown engine '" + engineId + "'; known engines: "
                    + String.join(", ", ids()));
        };
    }
}
