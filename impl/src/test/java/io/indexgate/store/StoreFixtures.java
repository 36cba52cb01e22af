package io.indexgate.store;

import io.indexgate.engine.SimilarityMetric;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Helpers for store tests. */
final class StoreFixtures {

    static final CollectionConfig CONFIG = CollectionConfig.of(4, SimilarityMetric.COSINE, "hnswlib")
            .withIndexedProperty("kind", PropertyType.STRING)
            .withIndexedProperty("rank", PropertyType.LONG)
            .withIndexedProperty("weight", PropertyType.DOUBLE)
            .withIndexedProperty("public", PropertyType.BOOLEAN)
            .withIndexedProperty("at", PropertyType.TIMESTAMP);

    private StoreFixtures() {
    }

    static UUID uuid(int n) {
        return new UUID(0x1234, n);
    }

    static float[] vector(int n) {
        return new float[] {1 + n % 7, 1 + n % 5, 1 + n % 3, n};
    }

    static VectorRecord record(int n) {
        return VectorRecord.of(uuid(n), vector(n));
    }

    /** UUID to vector of every record, read from SQLite. */
    static Map<UUID, List<Float>> contents(VectorCollection collection) {
        Map<UUID, List<Float>> contents = new HashMap<>();
        for (StoredRecord stored : collection.allRecords()) {
            contents.put(stored.record().uuid(), asList(stored.record().vector()));
        }
        return contents;
    }

    static List<Float> asList(float[] vector) {
        Float[] boxed = new Float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            boxed[i] = vector[i];
        }
        return List.of(boxed);
    }

    /** One number from the store's database, read on a separate connection. */
    static long count(Path dataDirectory, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + dataDirectory.resolve("store.db"));
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
