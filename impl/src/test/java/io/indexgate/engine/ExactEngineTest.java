package io.indexgate.engine;

import io.indexgate.engine.exact.ExactVectorSearchEngine;

class ExactEngineTest extends EngineContractTest {

    @Override
    protected VectorSearchEngine create(EngineOptions options) {
        return new ExactVectorSearchEngine(options);
    }
}
