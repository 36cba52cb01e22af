package io.indexgate.store;

import static io.indexgate.store.PropertyFilter.and;
import static io.indexgate.store.PropertyFilter.eq;
import static io.indexgate.store.PropertyFilter.gt;
import static io.indexgate.store.PropertyFilter.in;
import static io.indexgate.store.PropertyFilter.lt;
import static io.indexgate.store.PropertyFilter.ne;
import static io.indexgate.store.PropertyFilter.not;
import static io.indexgate.store.PropertyFilter.or;
import static io.indexgate.store.PropertyIndexCheck.assertInStep;
import static io.indexgate.store.SQLiteVectorStoreTest.matching;
import static io.indexgate.store.StoreFixtures.uuid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.indexgate.engine.SimilarityMetric;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory index of the indexed properties: in step with SQLite through writes, failures and reopens. */
class PropertyIndexTest {

    /** The fixtures' properties on the exact engine, whose searches are exact (so expected results are known). */
    static final CollectionConfig CONFIG = new CollectionConfig(4, SimilarityMetric.COSINE, "exact",
            StoreFixtures.CONFIG.indexedProperties());

    private static final List<PropertyFilter> FILTERS = List.of(eq("kind", "a"), eq("kind", "b"), ne("kind", "a"),
            gt("rank", 1), lt("weight", 1), in("rank", 1, 2, 3), not(in("rank", 1)), eq("public", true),
            and(eq("kind", "a"), not(eq("public", true))), or(eq("kind", "b"), gt("rank", 5)), and(), or(),
            eq("colour", "red"), eq("rank", "one"));

    @TempDir
    Path data;

    /** Record {@code n}'s vector: random, so that no two records tie in a search. */
    private static float[] vectorOf(int n) {
        Random random = new Random(n);
        return new float[] {random.nextFloat() - 0.5f, random.nextFloat() - 0.5f, random.nextFloat() - 0.5f,
            random.nextFloat() - 0.5f};
    }

    private static VectorRecord record(int n, Map<String, Object> properties) {
        return new VectorRecord(uuid(n), vectorOf(n), properties);
    }

    private static long rowIdOf(VectorCollection docs, UUID uuid) {
        return docs.allRecords().stream().filter(stored -> stored.record().uuid().equals(uuid)).findFirst()
                .orElseThrow().rowId();
    }

    private static List<Long> indexed(VectorCollection docs, PropertyFilter filter) {
        return Arrays.stream(PropertyIndex.toRowIds(docs.propertyIndex().orElseThrow().matching(filter)
                .orElseThrow())).boxed().toList();
    }

    @Test
    void aDeleteTakesTheRowOutOfEveryBitmap() {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1, Map.of("kind", "a", "rank", 1)), record(2, Map.of("kind", "b")),
                    record(3, Map.of("kind", "a", "rank", 3))));
            long kept = rowIdOf(docs, uuid(3));

            docs.delete(List.of(uuid(1), uuid(2)));

            assertEquals(List.of(kept), indexed(docs, eq("kind", "a")));
            assertEquals(List.of(), indexed(docs, eq("kind", "b")));
            assertEquals(List.of(kept), indexed(docs, and()), "every row: only the one left");
            assertEquals(List.of(kept), indexed(docs, ne("rank", 7)), "the rows holding rank: only the one left");
            assertEquals(Map.of("a", List.of(kept)), docs.propertyIndex().orElseThrow().contents().get("kind"),
                    "no value keeps an empty bitmap");
            assertInStep(data, docs, FILTERS);
        }
    }

    @Test
    void aReplacedRecordIsIndexedUnderItsNewValuesOnly() {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1, Map.of("kind", "a", "rank", 1))));
            docs.upsert(List.of(record(1, Map.of("kind", "b"))));

            assertEquals(Set.of(), matching(docs, eq("kind", "a")));
            assertEquals(Set.of(uuid(1)), matching(docs, eq("kind", "b")));
            assertEquals(Set.of(), matching(docs, ne("rank", 7)), "the new version lacks rank");
            assertEquals(Set.of(uuid(1)), matching(docs, not(in("rank", 1))));
            assertInStep(data, docs, FILTERS);
        }
    }

    @Test
    void aTransactionThatFailsLeavesTheIndexAsItWas() throws SQLException {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1, Map.of("kind", "a")), record(2, Map.of("kind", "b"))));
            Map<String, Map<Object, List<Long>>> before = docs.propertyIndex().orElseThrow().contents();
            poison(uuid(99));

            // The replacement of record 1 and the delete of its old row are made, then the poisoned insert aborts.
            assertThrows(VectorStoreException.class, () -> docs.upsert(List.of(record(1, Map.of("kind", "c")),
                    record(99, Map.of("kind", "c")))));

            assertEquals(before, docs.propertyIndex().orElseThrow().contents());
            assertEquals(Set.of(uuid(1)), matching(docs, eq("kind", "a")));
            assertEquals(Set.of(), matching(docs, eq("kind", "c")));
            assertInStep(data, docs, FILTERS);
            docs.upsert(List.of(record(1, Map.of("kind", "c"))));
            assertEquals(Set.of(uuid(1)), matching(docs, eq("kind", "c")), "the next write is applied");
            assertInStep(data, docs, FILTERS);
        }
    }

    /** Installs a trigger (on a connection of its own) that aborts the insert of {@code uuid}'s record. */
    private void poison(UUID uuid) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("store.db"));
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TRIGGER poisoned BEFORE INSERT ON records_1 WHEN NEW.uuid = '" + uuid
                    + "' BEGIN SELECT RAISE(ABORT, 'poisoned record'); END");
        }
    }

    @Test
    void theIndexIsRebuiltWhenTheCollectionOpensAfterACrashOrAShutdown() {
        Map<String, Map<Object, List<Long>>> written;
        SQLiteVectorStore crashed = SQLiteVectorStore.open(data);
        VectorCollection docs = crashed.createCollection("ns", "docs", CONFIG);
        docs.upsert(IntStream.range(0, 20).mapToObj(n -> record(n, Map.of("kind", n % 3 == 0 ? "a" : "b",
                "rank", n))).toList());
        docs.delete(List.of(uuid(3), uuid(4)));
        docs.upsert(List.of(record(5, Map.of("kind", "c"))));
        written = docs.propertyIndex().orElseThrow().contents();
        crashed.abandon();

        try (SQLiteVectorStore reopened = SQLiteVectorStore.open(data)) {
            VectorCollection recovered = reopened.openCollection("ns", "docs");
            assertEquals(written, recovered.propertyIndex().orElseThrow().contents());
            assertInStep(data, recovered, FILTERS);
        }
        try (SQLiteVectorStore reopened = SQLiteVectorStore.open(data)) {
            assertEquals(written, reopened.openCollection("ns", "docs").propertyIndex().orElseThrow().contents());
        }
        try (SQLiteVectorStore inspected = SQLiteVectorStore.openReadOnly(data, StoreOptions.defaults())) {
            assertEquals(written, inspected.openCollection("ns", "docs").propertyIndex().orElseThrow().contents(),
                    "a read-only store builds it from its snapshot");
        }
    }

    @Test
    void rowIdsBeyondThirtyTwoBitsAreAnsweredBySqlite() throws SQLException {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1, Map.of("kind", "a"))));
            try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("store.db"));
                 Statement statement = connection.createStatement()) {
                statement.execute("UPDATE sqlite_sequence SET seq = " + (PropertyIndex.MAX_ROW_ID - 1)
                        + " WHERE name = 'records_1'");
            }
            docs.upsert(List.of(record(2, Map.of("kind", "a"))));
            assertEquals(PropertyIndex.MAX_ROW_ID, rowIdOf(docs, uuid(2)));
            assertTrue(docs.propertyIndex().orElseThrow().unusableReason().isEmpty(), "the largest 32-bit id fits");

            docs.upsert(List.of(record(3, Map.of("kind", "b")), record(4, Map.of("kind", "a"))));

            assertTrue(docs.propertyIndex().orElseThrow().unusableReason().orElseThrow().contains("32-bit"));
            assertEquals(Set.of(uuid(1), uuid(2), uuid(4)), matching(docs, eq("kind", "a")));
            assertEquals(Set.of(uuid(3)), matching(docs, not(eq("kind", "a"))));
        }
        try (SQLiteVectorStore reopened = SQLiteVectorStore.open(data)) {
            VectorCollection docs = reopened.openCollection("ns", "docs");
            assertTrue(docs.propertyIndex().orElseThrow().unusableReason().isPresent(), "and stays so when rebuilt");
            assertEquals(Set.of(uuid(1), uuid(2), uuid(4)), matching(docs, eq("kind", "a")));
        }
    }

    @Test
    void valuesCompareAsSqliteComparesThem() {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(List.of(record(1, Map.of("kind", "\uFFFF", "weight", -0.0)),
                    record(2, Map.of("kind", "\uD83D\uDE00", "weight", 0.0)), // U+1F600, above U+FFFF
                    record(3, Map.of("kind", "\uD800", "weight", 1)), // an unpaired surrogate, stored as '?'
                    record(4, Map.of("kind", "?"))));

            assertEquals(Set.of(uuid(2)), matching(docs, gt("kind", "\uFFFF")), "code point order, not UTF-16's");
            assertEquals(Set.of(uuid(1), uuid(2)), matching(docs, eq("weight", 0.0)), "-0.0 equals 0.0");
            assertEquals(Set.of(uuid(1), uuid(2)), matching(docs, eq("weight", -0.0)));
            assertEquals(Set.of(uuid(3), uuid(4)), matching(docs, eq("kind", "?")));
            assertEquals(Set.of(uuid(3), uuid(4)), matching(docs, eq("kind", "\uDFFF")));
            assertInStep(data, docs, List.of(gt("kind", "\uFFFF"), lt("kind", "\uD83D\uDE00"), eq("kind", "?"),
                    eq("kind", "\uD800"), lt("kind", "\uD800"), eq("weight", 0), lt("weight", 0.0),
                    gt("weight", -0.0)));
        }
    }

    /** The exact top {@code limit} of the records 0 to count - 1 that {@code passes}. */
    private static List<UUID> expected(float[] query, int count, java.util.function.IntPredicate passes, int limit) {
        return IntStream.range(0, count).filter(passes).boxed()
                .sorted(Comparator.comparingDouble((Integer n) -> -SimilarityMetric.COSINE.score(query, vectorOf(n)))
                        .thenComparing(n -> n))
                .limit(limit).map(StoreFixtures::uuid).toList();
    }

    @Test
    void aBroadFilterStillGetsTheLimitWhenItsRecordsAreFarFromTheQuery() {
        int count = 400;
        float[] query = vectorOf(7);
        List<Integer> byDistance = IntStream.range(0, count).boxed()
                .sorted(Comparator.comparingDouble((Integer n) -> -SimilarityMetric.COSINE.score(query, vectorOf(n))))
                .toList();
        // One record in sixteen passes (broad enough to be filtered after the search): the 25 farthest ones.
        Set<Integer> far = Set.copyOf(byDistance.subList(count - 25, count));
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            docs.upsert(IntStream.range(0, count).mapToObj(n -> record(n, Map.of("rank", (long) n,
                    "public", far.contains(n)))).toList());
            for (int limit : new int[] {1, 5, 25, 30}) {
                List<UUID> found = docs.query(VectorQuery.nearest(query, limit).withFilter(eq("public", true)))
                        .get(0).stream().map(QueryMatch::uuid).toList();
                assertEquals(expected(query, count, far::contains, limit).size(), found.size(), "limit " + limit);
                assertEquals(Set.copyOf(expected(query, count, far::contains, limit)), Set.copyOf(found),
                        "limit " + limit);
            }
            List<UUID> near = docs.query(VectorQuery.nearest(query, 5).withFilter(eq("public", false))).get(0)
                    .stream().map(QueryMatch::uuid).toList();
            assertEquals(Set.copyOf(expected(query, count, n -> !far.contains(n), 5)), Set.copyOf(near));
            List<List<QueryMatch>> both = docs.query(new VectorQuery(new float[][] {query, vectorOf(8)}, 5, null,
                    eq("public", true), false, false));
            assertEquals(Set.copyOf(expected(vectorOf(8), count, far::contains, 5)),
                    both.get(1).stream().map(QueryMatch::uuid).collect(Collectors.toSet()),
                    "each query vector of a batch");
        }
    }

    @Test
    void filteredQueriesRunBesideWritesAndTheIndexEndsInStep() throws Exception {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", CONFIG);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 150; i++) {
                            int n = writer * 1000 + i % 40;
                            docs.upsert(List.of(record(n, Map.of("kind", i % 2 == 0 ? "a" : "b", "rank", i))));
                            if (i % 5 == 0) {
                                docs.delete(List.of(uuid(writer * 1000 + (i * 7) % 40)));
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                threads.add(new Thread(() -> {
                    try {
                        while (writing.get()) {
                            for (QueryMatch match : docs.query(VectorQuery.nearest(vectorOf(3), 20)
                                    .withFilter(eq("kind", "a"))).get(0)) {
                                assertEquals("a", match.properties().get("kind"), "only passing records");
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            threads.get(0).join();
            threads.get(1).join();
            writing.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(List.of(), failures);
            assertInStep(data, docs, FILTERS);
        }
    }

    @Test
    void aCollectionWithoutIndexedPropertiesKeepsNoIndexAndSqliteAnswersItsFilters() {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection plain = store.createCollection("ns", "plain", CollectionConfig.of(4,
                    SimilarityMetric.COSINE, "exact"));
            plain.upsert(List.of(record(1, Map.of("kind", "a")), record(2, Map.of())));
            assertTrue(plain.propertyIndex().isEmpty());
            assertEquals(Set.of(uuid(1), uuid(2)), matching(plain, and()));
            assertEquals(Set.of(), matching(plain, or()));
            assertThrows(IllegalArgumentException.class, () -> matching(plain, eq("kind", "a")));
        }
    }
}
