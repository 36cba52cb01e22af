package io.indexgate.engine;

import io.indexgate.engine.hnswlib.HnswlibVectorSearchEngine;

class HnswlibEngineTest extends EngineContractTest {

    @Override
    protected VectorSearchEngine create(EngineOptions options) {
        return new HnswlibVectorSearchEngine(options);
    }
}
