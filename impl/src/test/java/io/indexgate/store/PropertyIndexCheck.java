package io.indexgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Compares a collection's in-memory property index with SQLite, read on a connection of its own: its contents with an
 * index built afresh from the records table, and its answer to each filter with SQLite's evaluation of the filter.
 */
final class PropertyIndexCheck {

    private PropertyIndexCheck() {
    }

    /** Asserts that the index of {@code collection} (in the store in {@code data}) is in step with SQLite. */
    static void assertInStep(Path data, VectorCollection collection, List<PropertyFilter> filters) {
        assertEquals(List.of(), differences(data, collection, filters), "the property index agrees with SQLite");
    }

    /** What differs between the index and SQLite; empty when they are in step. */
    static List<String> differences(Path data, VectorCollection collection, List<PropertyFilter> filters) {
        PropertyIndex live = collection.propertyIndex().orElseThrow();
        List<String> differences = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("store.db"))) {
            RecordsTable records = new RecordsTable(null, collectionId(connection, collection), collection.config());
            PropertyIndex rebuilt = new PropertyIndex(collection.config());
            records.loadIndexed(connection, rebuilt);
            if (!rebuilt.contents().equals(live.contents())) {
                differences.add("contents: the index holds " + live.contents() + " but SQLite "
                        + rebuilt.contents());
            }
            for (PropertyFilter filter : filters) {
                String fromSqlite = outcome(() -> Arrays.toString(records.rowIdsMatching(connection, filter)));
                String fromIndex = outcome(() -> live.matching(filter)
                        .map(rows -> Arrays.toString(PropertyIndex.toRowIds(rows))).orElse("no answer"));
                if (!fromSqlite.equals(fromIndex)) {
                    differences.add(filter + ": SQLite " + fromSqlite + ", the index " + fromIndex);
                }
            }
        } catch (SQLException e) {
            throw new AssertionError("reading " + data + " failed", e);
        }
        return differences;
    }

    private static long collectionId(Connection connection, VectorCollection collection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT id FROM collections WHERE namespace = ? AND name = ?")) {
            select.setString(1, collection.namespace());
            select.setString(2, collection.name());
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The value as text, or what was thrown. */
    private static String outcome(Callable<String> evaluation) {
        try {
            return evaluation.call();
        } catch (Exception e) {
            return "throws " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
