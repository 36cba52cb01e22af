package io.indexgate.engine;


import io.indexgate.engine.usearch.USearchVectorSearchEngine;
import org.junit.jupiter.api.BeforeAll;

class USearchEngineTest extends EngineContractTest {

    @BeforeAll
    static void requireTheNativeLibrary() {
        USearchAvailability.require();
    }

    @Override
    protected VectorSearchEngine create(EngineOptions options) {
        return new USearchVectorSearchEngine(options);
    }
}
