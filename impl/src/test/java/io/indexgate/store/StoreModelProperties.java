package io.indexgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.indexgate.engine.SimilarityMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Model-based: random sequences of upserts, deletes, saves, crashes (the store dropped without close, sometimes with
 * a save torn between the file move and the SQLite commit, sometimes leaving a stale temp) and clean reopens recover
 * exactly the acknowledged state, which a plain map models.
 */
class StoreModelProperties {

    sealed interface Action {
    }

    record Upsert(int key, int vectorSeed) implements Action {
    }

    record Delete(int key) implements Action {
    }

    record Save() implements Action {
    }

    /** Drop the store; {@code inFlight}: first write the index file without committing, as a crash mid-save. */
    record Crash(boolean inFlight, boolean staleTemp) implements Action {
    }

    record Reopen() implements Action {
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Action> upsert = Arbitraries.integers().between(0, 15).flatMap(key ->
                Arbitraries.integers().between(1, 1000).map(seed -> new Upsert(key, seed)));
        Arbitrary<Action> delete = Arbitraries.integers().between(0, 15).map(Delete::new);
        Arbitrary<Action> crash = Arbitraries.of(true, false).flatMap(inFlight ->
                Arbitraries.of(true, false).map(stale -> new Crash(inFlight, stale)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, upsert),
                net.jqwik.api.Tuple.of(3, delete),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Save())),
                net.jqwik.api.Tuple.of(2, crash),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen()))).list().ofMinSize(5).ofMaxSize(40);
    }

    @Provide
    Arbitrary<String> engines() {
        return Arbitraries.of(io.indexgate.engine.Engines.ids().stream()
                .filter(io.indexgate.engine.Engines::isAvailable).toList());
    }

    @Property(tries = 60)
    void recoveryRestoresExactlyTheAcknowledgedState(@ForAll("actions") List<Action> actions,
                                                     @ForAll @IntRange(min = 1, max = 6) int saveThreshold,
                                                     @ForAll("engines") String engine) throws IOException {
        Path data = Files.createTempDirectory("indexgate-model");
        CollectionConfig config = CollectionConfig.of(3, SimilarityMetric.EUCLIDEAN, engine);
        StoreOptions options = StoreOptions.defaults().withSaveThreshold(saveThreshold);
        Map<UUID, List<Float>> model = new HashMap<>();
        SQLiteVectorStore store = SQLiteVectorStore.open(data, options);
        try {
            VectorCollection collection = store.createCollection("model", "docs", config);
            for (Action action : actions) {
                if (action instanceof Upsert upsert) {
                    float[] vector = {upsert.key(), upsert.vectorSeed() % 17, upsert.vectorSeed() / 17f};
                    collection.upsert(List.of(VectorRecord.of(new UUID(7, upsert.key()), vector)));
                    model.put(new UUID(7, upsert.key()), StoreFixtures.asList(vector));
                } else if (action instanceof Delete delete) {
                    collection.delete(List.of(new UUID(7, delete.key())));
                    model.remove(new UUID(7, delete.key()));
                } else if (action instanceof Save) {
                    collection.saveIndex();
                } else if (action instanceof Crash crash) {
                    if (crash.inFlight()) {
                        collection.engine().save(collection.indexPath());
                    }
                    if (crash.staleTemp()) {
                        Files.write(collection.indexPath().resolveSibling(
                                collection.indexPath().getFileName() + ".0000000000000abc.tmp"), new byte[] {9});
                    }
                    store.abandon();
                    store = SQLiteVectorStore.open(data, options);
                    collection = store.openCollection("model", "docs");
                    SQLiteVectorStoreTest.assertRecovered(model, collection);
                    assertEquals(List.of(), io.indexgate.persist.StaleTemps.find(collection.indexPath()));
                } else if (action instanceof Reopen) {
                    store.close();
                    store = SQLiteVectorStore.open(data, options);
                    collection = store.openCollection("model", "docs");
                    assertEquals(0, collection.status().pendingOperations(), "a clean shutdown saves everything");
                }
                assertEquals(model, StoreFixtures.contents(collection));
            }
            store.close();
            try (SQLiteVectorStore reopened = SQLiteVectorStore.open(data, options)) {
                SQLiteVectorStoreTest.assertRecovered(model, reopened.openCollection("model", "docs"));
            }
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
