package io.indexgate.store;

import static io.indexgate.store.PropertyIndexCheck.assertInStep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Model-based: random upserts (with random values of every property type, or none), deletes, writes whose
 * transaction fails after some of its rows were written, crashes and clean reopens; after each, the in-memory index of
 * the indexed properties holds exactly what an index built afresh from SQLite holds, answers random filters exactly
 * as SQLite does (or fails with the same message), and the records are those a plain map models.
 */
class PropertyIndexProperties {

    /** A UUID whose insert a trigger aborts, so that the write that carries it fails inside its transaction. */
    private static final UUID POISONED = new UUID(0xbad, 0xbad);

    sealed interface Action {
    }

    record Upsert(int key, Map<String, Object> properties) implements Action {
    }

    record Delete(int key) implements Action {
    }

    /** An upsert of {@code key} batched with the poisoned record: the whole write fails and changes nothing. */
    record FailedUpsert(int key, Map<String, Object> properties) implements Action {
    }

    record Crash() implements Action {
    }

    record Reopen() implements Action {
    }

    private static Arbitrary<Object> values(String property) {
        return switch (property) {
            case "kind" -> Arbitraries.of("a", "b", "", "?", "\uFFFF", "\uD83D\uDE00", "\uD800");
            case "rank" -> Arbitraries.of(-1L, 0L, 1L, 2L, Long.MIN_VALUE, Long.MAX_VALUE);
            case "weight" -> Arbitraries.of(-0.0, 0.0, 0.5, -1.5, 2.0, 1e300);
            case "public" -> Arbitraries.of(true, false);
            case "at" -> Arbitraries.of(Instant.EPOCH.atOffset(ZoneOffset.UTC),
                    Instant.EPOCH.atOffset(ZoneOffset.ofHours(3)), Instant.parse("2024-05-01T12:00:00Z")
                            .atOffset(ZoneOffset.ofHours(-8)), Instant.parse("1969-12-31T23:59:59.9999995Z")
                            .atOffset(ZoneOffset.UTC));
            default -> throw new IllegalArgumentException(property);
        };
    }

    /** Filter values: mostly of the property's type, sometimes an integer or a value of another type. */
    private static Arbitrary<Object> filterValues(String property) {
        return Arbitraries.frequencyOf(Tuple.of(8, values(property)), Tuple.of(1, Arbitraries.of(1, 2L, 0)),
                Tuple.of(1, Arbitraries.of("a", true, 0.5)));
    }

    private static Arbitrary<Map<String, Object>> properties() {
        List<String> names = List.copyOf(PropertyIndexTest.CONFIG.indexedProperties().keySet());
        Arbitrary<Map<String, Object>> none = Arbitraries.just(Map.of());
        return Arbitraries.frequencyOf(Tuple.of(1, none), Tuple.of(6, Arbitraries.subsetOf(names).flatMap(chosen -> {
            Arbitrary<Map<String, Object>> map = Arbitraries.just(new HashMap<>());
            for (String name : chosen) {
                map = Combinators.combine(map, values(name)).as((partial, value) -> {
                    Map<String, Object> more = new HashMap<>(partial);
                    more.put(name, value);
                    return more;
                });
            }
            return map;
        })));
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        Arbitrary<Integer> keys = Arbitraries.integers().between(0, 11);
        Arbitrary<Action> upsert = Combinators.combine(keys, properties()).as(Upsert::new);
        Arbitrary<Action> failed = Combinators.combine(keys, properties()).as(FailedUpsert::new);
        return Arbitraries.frequencyOf(
                Tuple.of(8, upsert),
                Tuple.of(3, keys.map(Delete::new)),
                Tuple.of(2, failed),
                Tuple.of(1, Arbitraries.just(new Crash())),
                Tuple.of(1, Arbitraries.just(new Reopen()))).list().ofMinSize(5).ofMaxSize(30);
    }

    private static Arbitrary<PropertyFilter> leaves() {
        Arbitrary<String> names = Arbitraries.of(List.copyOf(PropertyIndexTest.CONFIG.indexedProperties().keySet()));
        Arbitrary<PropertyFilter> comparison = names.flatMap(name -> Combinators.combine(
                Arbitraries.of(PropertyFilter.Operator.values()), filterValues(name))
                .as((operator, value) -> new PropertyFilter.Comparison(name, operator, value)));
        Arbitrary<PropertyFilter> in = names.flatMap(name -> filterValues(name).list().ofMaxSize(3)
                .map(values -> new PropertyFilter.In(name, values)));
        Arbitrary<PropertyFilter> unindexed = Arbitraries.just(PropertyFilter.eq("colour", "red"));
        return Arbitraries.frequencyOf(Tuple.of(6, comparison), Tuple.of(3, in), Tuple.of(1, unindexed));
    }

    private static Arbitrary<PropertyFilter> filters(int depth) {
        if (depth == 0) {
            return leaves();
        }
        Arbitrary<List<PropertyFilter>> operands = filters(depth - 1).list().ofMaxSize(3);
        return Arbitraries.frequencyOf(
                Tuple.of(4, leaves()),
                Tuple.of(1, operands.map(PropertyFilter.And::new)),
                Tuple.of(1, operands.map(PropertyFilter.Or::new)),
                Tuple.of(1, filters(depth - 1).map(PropertyFilter.Not::new)));
    }

    @Provide
    Arbitrary<List<PropertyFilter>> filterLists() {
        return filters(3).list().ofMinSize(4).ofMaxSize(10);
    }

    @Property(tries = 40)
    void theIndexStaysInStepWithSqliteThroughWritesFailuresAndReopens(@ForAll("actions") List<Action> actions,
                                                                    @ForAll("filterLists")
                                                                    List<PropertyFilter> filters)
            throws IOException, SQLException {
        Path data = Files.createTempDirectory("indexgate-property-index");
        Map<UUID, Map<String, Object>> model = new HashMap<>();
        SQLiteVectorStore store = SQLiteVectorStore.open(data);
        try {
            VectorCollection collection = store.createCollection("model", "docs", PropertyIndexTest.CONFIG);
            poison(data);
            for (Action action : actions) {
                if (action instanceof Upsert upsert) {
                    collection.upsert(List.of(record(upsert.key(), upsert.properties())));
                    model.put(StoreFixtures.uuid(upsert.key()), upsert.properties());
                } else if (action instanceof Delete delete) {
                    collection.delete(List.of(StoreFixtures.uuid(delete.key())));
                    model.remove(StoreFixtures.uuid(delete.key()));
                } else if (action instanceof FailedUpsert failed) {
                    VectorCollection target = collection;
                    assertThrows(VectorStoreException.class, () -> target.upsert(List.of(
                            record(failed.key(), failed.properties()),
                            new VectorRecord(POISONED, StoreFixtures.vector(1), Map.of()))));
                } else if (action instanceof Crash) {
                    store.abandon();
                    store = SQLiteVectorStore.open(data);
                    collection = store.openCollection("model", "docs");
                } else if (action instanceof Reopen) {
                    store.close();
                    store = SQLiteVectorStore.open(data);
                    collection = store.openCollection("model", "docs");
                }
                assertEquals(model.keySet(), StoreFixtures.contents(collection).keySet());
                assertInStep(data, collection, filters);
            }
        } finally {
            store.close();
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static VectorRecord record(int key, Map<String, Object> properties) {
        return new VectorRecord(StoreFixtures.uuid(key), StoreFixtures.vector(key), properties);
    }

    /** Installs the trigger that aborts the insert of {@link #POISONED} (on a connection of its own). */
    private static void poison(Path data) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("store.db"));
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TRIGGER poisoned BEFORE INSERT ON records_1 WHEN NEW.uuid = '" + POISONED
                    + "' BEGIN SELECT RAISE(ABORT, 'poisoned record'); END");
        }
    }
}
