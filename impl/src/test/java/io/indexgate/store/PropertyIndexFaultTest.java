package io.indexgate.store;

import static io.indexgate.store.PropertyFilter.eq;
import static io.indexgate.store.PropertyIndexCheck.assertInStep;
import static io.indexgate.store.SQLiteVectorStoreTest.matching;
import static io.indexgate.store.StoreFixtures.uuid;
import static io.indexgate.store.StoreFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.byteman.contrib.bmunit.BMRule;
import org.jboss.byteman.contrib.bmunit.BMUnitConfig;
import org.jboss.byteman.contrib.bmunit.WithByteman;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected with Byteman around the in-memory property index: a commit that fails leaves it as it was; and the
 * negative control, an index whose deletes are not applied, which the comparison with SQLite must catch.
 */
@WithByteman
@BMUnitConfig(verbose = false) // works around BMUnit 5's teardown of classes without one (byteman PR #107)
class PropertyIndexFaultTest {

    private static final List<PropertyFilter> FILTERS = List.of(eq("kind", "a"), eq("kind", "b"),
            PropertyFilter.and());

    @TempDir
    Path data;

    @AfterEach
    void disarm() {
        FaultSwitch.disarm();
    }

    private static VectorRecord record(int n, String kind) {
        return new VectorRecord(uuid(n), vector(n), Map.of("kind", kind));
    }

    @Test
    @BMRule(name = "the commit fails", targetClass = "io.indexgate.store.Database", targetMethod = "execute",
            targetLocation = "AT ENTRY", condition = "$1.equals(\"COMMIT\") && io.indexgate.store.FaultSwitch.strike()",
            action = "throw new java.sql.SQLException(\"[SQLITE_IOERR_FSYNC] disk I/O error\")")
    void aCommitThatFailsLeavesTheIndexAsItWas() {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", PropertyIndexTest.CONFIG);
            docs.upsert(List.of(record(1, "a"), record(2, "b")));
            Map<String, Map<Object, List<Long>>> before = docs.propertyIndex().orElseThrow().contents();
            FaultSwitch.arm(1);

            assertThrows(VectorStoreException.class, () -> docs.upsert(List.of(record(1, "b"), record(3, "a"))));
            assertThrows(VectorStoreException.class, () -> {
                FaultSwitch.arm(1);
                docs.delete(List.of(uuid(2)));
            });

            assertEquals(before, docs.propertyIndex().orElseThrow().contents());
            assertEquals(Set.of(uuid(1)), matching(docs, eq("kind", "a")));
            assertInStep(data, docs, FILTERS);
        }
    }

    @Test
    @BMRule(name = "the index ignores deletes", targetClass = "io.indexgate.store.PropertyIndex",
            targetMethod = "remove", targetLocation = "AT ENTRY", condition = "true", action = "return")
    void anIndexThatDoesNotApplyDeletesIsCaught() {
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            VectorCollection docs = store.createCollection("ns", "docs", PropertyIndexTest.CONFIG);
            docs.upsert(List.of(record(1, "a"), record(2, "b")));
            docs.delete(List.of(uuid(1)));
            docs.upsert(List.of(record(2, "a")));

            List<String> differences = PropertyIndexCheck.differences(data, docs, FILTERS);
            assertTrue(differences.stream().anyMatch(difference -> difference.startsWith("contents:")), differences
                    .toString());
            assertTrue(differences.stream().anyMatch(difference -> difference.startsWith("Comparison[property=kind, "
                    + "operator=EQ, value=a]")), differences.toString());
            assertEquals(Set.of(uuid(2)), matching(docs, eq("kind", "a")),
                    "query results alone do not show it: the row lookup drops the deleted rows");
        }
    }
}
