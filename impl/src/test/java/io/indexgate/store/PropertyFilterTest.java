package io.indexgate.store;

import static io.indexgate.store.PropertyFilter.and;
import static io.indexgate.store.PropertyFilter.eq;
import static io.indexgate.store.PropertyFilter.gt;
import static io.indexgate.store.PropertyFilter.gte;
import static io.indexgate.store.PropertyFilter.in;
import static io.indexgate.store.PropertyFilter.lt;
import static io.indexgate.store.PropertyFilter.lte;
import static io.indexgate.store.PropertyFilter.ne;
import static io.indexgate.store.PropertyFilter.not;
import static io.indexgate.store.PropertyFilter.or;
import static io.indexgate.store.SQLiteVectorStoreTest.matching;
import static io.indexgate.store.StoreFixtures.CONFIG;
import static io.indexgate.store.StoreFixtures.uuid;
import static io.indexgate.store.StoreFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operator over every type, checked against a plain Java evaluation of the same condition (answered by the
 * in-memory property index), and SQLite's evaluation checked against the index's.
 */
class PropertyFilterTest {

    @TempDir
    Path data;
    private SQLiteVectorStore store;
    private VectorCollection docs;
    private final Map<UUID, Map<String, Object>> properties = new HashMap<>();

    @BeforeEach
    void setUp() {
        store = SQLiteVectorStore.open(data);
        docs = store.createCollection("ns", "docs", CONFIG);
        OffsetDateTime base = OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        for (int n = 0; n < 12; n++) {
            Map<String, Object> values = new HashMap<>();
            values.put("kind", n % 3 == 0 ? "a" : n % 3 == 1 ? "b" : "c");
            values.put("rank", (long) n);
            values.put("weight", n * 0.5);
            values.put("public", n % 2 == 0);
            values.put("at", base.plusHours(n).withOffsetSameInstant(ZoneOffset.ofHours(n - 6)));
            if (n == 11) {
                values.clear(); // a record that lacks every property
            }
            properties.put(uuid(n), values);
            docs.upsert(List.of(new VectorRecord(uuid(n), vector(n), values)));
        }
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private Set<UUID> where(java.util.function.Predicate<Map<String, Object>> condition) {
        return properties.entrySet().stream().filter(e -> condition.test(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static long rank(Map<String, Object> p) {
        return (Long) p.getOrDefault("rank", Long.MIN_VALUE);
    }

    @Test
    void comparisonsOnLongs() {
        assertEquals(where(p -> p.containsKey("rank") && rank(p) == 4), matching(docs, eq("rank", 4)));
        assertEquals(where(p -> p.containsKey("rank") && rank(p) != 4), matching(docs, ne("rank", 4)));
        assertEquals(where(p -> p.containsKey("rank") && rank(p) > 4), matching(docs, gt("rank", 4)));
        assertEquals(where(p -> p.containsKey("rank") && rank(p) >= 4), matching(docs, gte("rank", 4)));
        assertEquals(where(p -> p.containsKey("rank") && rank(p) < 4), matching(docs, lt("rank", 4)));
        assertEquals(where(p -> p.containsKey("rank") && rank(p) <= 4), matching(docs, lte("rank", 4)));
        assertEquals(where(p -> p.containsKey("rank") && Set.of(1L, 5L, 9L).contains(rank(p))),
                matching(docs, in("rank", 1, 5L, 9)));
        assertEquals(Set.of(), matching(docs, in("rank")));
    }

    @Test
    void comparisonsOnStringsDoublesBooleansAndTimestamps() {
        assertEquals(where(p -> "b".equals(p.get("kind"))), matching(docs, eq("kind", "b")));
        assertEquals(where(p -> p.containsKey("kind") && ((String) p.get("kind")).compareTo("b") >= 0),
                matching(docs, gte("kind", "b")));
        assertEquals(where(p -> p.containsKey("weight") && (Double) p.get("weight") > 2.25),
                matching(docs, gt("weight", 2.25)));
        assertEquals(where(p -> p.containsKey("weight") && (Double) p.get("weight") <= 2),
                matching(docs, lte("weight", 2)), "a long is accepted for a double property");
        assertEquals(where(p -> Boolean.TRUE.equals(p.get("public"))), matching(docs, eq("public", true)));
        OffsetDateTime fifth = OffsetDateTime.of(2024, 1, 1, 5, 0, 0, 0, ZoneOffset.UTC);
        assertEquals(where(p -> p.containsKey("at") && ((OffsetDateTime) p.get("at")).isBefore(fifth)),
                matching(docs, lt("at", fifth.withOffsetSameInstant(ZoneOffset.ofHours(9)))));
    }

    @Test
    void andOrNotCombineAndNotIsTheExactComplement() {
        assertEquals(where(p -> "a".equals(p.get("kind")) && Boolean.TRUE.equals(p.get("public"))),
                matching(docs, and(eq("kind", "a"), eq("public", true))));
        assertEquals(where(p -> "a".equals(p.get("kind")) || rank(p) > 9),
                matching(docs, or(eq("kind", "a"), gt("rank", 9))));
        assertEquals(where(p -> !"a".equals(p.get("kind"))), matching(docs, not(eq("kind", "a"))),
                "not includes the record that lacks the property");
        assertEquals(where(p -> !Set.of(1L, 5L).contains(rank(p))), matching(docs, not(in("rank", 1, 5))),
                "so does not of in");
        assertEquals(where(p -> true), matching(docs, and()));
        assertEquals(Set.of(), matching(docs, or()));
        Set<UUID> all = IntStream.range(0, 12).mapToObj(StoreFixtures::uuid).collect(Collectors.toSet());
        assertEquals(all, matching(docs, or(gt("rank", 3), not(gt("rank", 3)))));
    }

    @Test
    void filtersOnUnindexedPropertiesOrWithWrongTypesAreRejected() {
        IllegalArgumentException unindexed = assertThrows(IllegalArgumentException.class,
                () -> matching(docs, eq("colour", "red")));
        assertTrue(unindexed.getMessage().contains("'colour': it is not indexed"), unindexed.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> matching(docs, eq("rank", "four")));
        assertTrue(wrongType.getMessage().contains("must be a long"), wrongType.getMessage());
    }

    @Test
    void sqliteAnswersEveryFilterAsTheIndexDoes() {
        PropertyIndexCheck.assertInStep(data, docs, List.of(eq("rank", 4), ne("rank", 4), gte("kind", "b"),
                lte("weight", 2), eq("public", true), lt("at", OffsetDateTime.of(2024, 1, 1, 5, 0, 0, 0,
                        ZoneOffset.UTC)), in("rank", 1, 5L, 9), in("rank"), not(in("kind", "a", "c")),
                and(eq("kind", "a"), eq("public", true)), or(eq("kind", "a"), gt("rank", 9)), and(), or(),
                not(or()), eq("colour", "red"), eq("rank", "four"), eq("kind", "a' OR '1'='1")));
    }

    @Test
    void filterValuesAreBoundNotSpliced() {
        assertEquals(Set.of(), matching(docs, eq("kind", "a' OR '1'='1")));
    }
}
