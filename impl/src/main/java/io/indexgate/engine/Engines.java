package io.indexgate.engine;

import io.indexgate.engine.exact.ExactVectorSearchEngine;
import io.indexgate.engine.hnswlib.HnswlibVectorSearchEngine;
import java.util.List;

/** Creates engines by id. Thread-safe. */
public final class Engines {

    private Engines() {
    }

    /** The ids of the engines this build knows. */
    public static List<String> ids() {
        return List.of(HnswlibVectorSearchEngine.ENGINE_ID, ExactVectorSearchEngine.ENGINE_ID);
    }

    /**
     * A new, empty engine.
     *
     * @throws IllegalArgumentException naming the known engines if {@code engineId} is none of them
     */
    public static VectorSearchEngine create(String engineId, EngineOptions options) {
        return switch (engineId) {
            case HnswlibVectorSearchEngine.ENGINE_ID -> new HnswlibVectorSearchEngine(options);
            case ExactVectorSearchEngine.ENGINE_ID -> new ExactVectorSearchEngine(options);
            default -> throw new IllegalArgumentException("unknown engine '" + engineId + "'; known engines: "
                    + String.join(", ", ids()));
        };
    }
}
