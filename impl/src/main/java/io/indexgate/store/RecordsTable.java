package io.indexgate.store;

import io.indexgate.engine.AllowedKeys;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * All the SQL of a collection's records table, {@code records_<collection id>}: row id (the engine key, never reused),
 * UUID, vector (little-endian float32), properties JSON, and one typed column {@code p_<property>} per indexed
 * property, each with an SQL index. Table and column names derive only from the numeric collection id and from
 * validated property names. Every method runs on a connection its caller provides, so that a write joins the
 * caller's transaction (with the pending-operation log's rows, see {@link PendingLog}). Immutable and thread-safe;
 * a {@link Writer} belongs to one transaction.
 */
final class RecordsTable {

    /** How many values one {@code IN (...)} list binds at most. */
    private static final int SQL_BATCH = 500;

    private final String table;
    private final CollectionConfig config;
    private final List<String> indexed;

    RecordsTable(long collectionId, CollectionConfig config) {
        this.table = name(collectionId);
        this.config = config;
        this.indexed = List.copyOf(config.indexedProperties().keySet());
    }

    static String name(long collectionId) {
        return "records_" + collectionId;
    }

    static String propertyColumn(String property) {
        return "\"p_" + Identifiers.requirePropertyName(property) + "\"";
    }

    static List<String> createStatements(long collectionId, CollectionConfig config) {
        String table = name(collectionId);
        StringBuilder create = new StringBuilder("CREATE TABLE ").append(table).append(" (")
                .append("row_id INTEGER PRIMARY KEY AUTOINCREMENT, ")
                .append("uuid TEXT NOT NULL UNIQUE, ")
                .append("vector BLOB NOT NULL, ")
                .append("properties TEXT NOT NULL");
        List<String> indexes = new ArrayList<>();
        for (Map.Entry<String, PropertyType> property : config.indexedProperties().entrySet()) {
            String column = propertyColumn(property.getKey());
            create.append(", ").append(column).append(' ').append(property.getValue().sqlType());
            indexes.add("CREATE INDEX \"" + table + "_p_" + property.getKey() + "\" ON " + table + " (" + column + ")");
        }
        create.append(')');
        List<String> statements = new ArrayList<>();
        statements.add(create.toString());
        statements.addAll(indexes);
        return statements;
    }

    static String dropStatement(long collectionId) {
        return "DROP TABLE IF EXISTS " + name(collectionId);
    }

    static byte[] encodeVector(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return bytes.array();
    }

    static float[] decodeVector(byte[] bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    /**
     * One row as read.
     *
     * @param vector     null unless it was asked for
     * @param properties null unless they were asked for
     */
    record Row(long rowId, UUID uuid, float[] vector, Map<String, Object> properties) {

        VectorRecord toRecord() {
            return new VectorRecord(uuid, vector, properties);
        }
    }

    /** Removes and inserts rows inside the caller's write transaction. Not thread-safe; close it with the work. */
    final class Writer implements AutoCloseable {

        private final Connection connection;
        private final PreparedStatement find;
        private final PreparedStatement remove;
        private final PreparedStatement insert;

        private Writer(Connection connection) throws SQLException {
            this.connection = connection;
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (uuid, vector, properties");
            for (String property : indexed) {
                sql.append(", ").append(propertyColumn(property));
            }
            sql.append(") VALUES (?, ?, ?").append(", ?".repeat(indexed.size())).append(')');
            this.find = connection.prepareStatement("SELECT row_id FROM " + table + " WHERE uuid = ?");
            this.remove = connection.prepareStatement("DELETE FROM " + table + " WHERE row_id = ?");
            this.insert = connection.prepareStatement(sql.toString());
        }

        /** Deletes the row of {@code uuid}, if any, and returns its row id (else null). */
        Long remove(UUID uuid) throws SQLException {
            find.setString(1, uuid.toString());
            Long existing;
            try (ResultSet rows = find.executeQuery()) {
                existing = rows.next() ? rows.getLong(1) : null;
            }
            if (existing != null) {
                remove.setLong(1, existing);
                remove.executeUpdate();
            }
            return existing;
        }

        /**
         * Inserts a record whose UUID has no row, with its properties already normalized
         * ({@link PropertyCodec#normalize}), and returns its new row id.
         */
        long insert(VectorRecord record, Map<String, Object> properties) throws SQLException {
            insert.setString(1, record.uuid().toString());
            insert.setBytes(2, encodeVector(record.vector()));
            insert.setString(3, PropertyCodec.toJson(properties));
            for (int p = 0; p < indexed.size(); p++) {
                PropertyType type = config.indexedProperties().get(indexed.get(p));
                Object value = properties.get(indexed.get(p));
                insert.setObject(4 + p, value == null ? null : type.toSql(value));
            }
            insert.executeUpdate();
            return Database.lastInsertRowId(connection);
        }

        @Override
        public void close() throws SQLException {
            try {
                find.close();
            } finally {
                try {
                    remove.close();
                } finally {
                    insert.close();
                }
            }
        }
    }

    /** A writer for one write transaction on {@code connection}. */
    Writer writer(Connection connection) throws SQLException {
        return new Writer(connection);
    }

    /** The rows with the given row ids, in no particular order; missing ids are left out. */
    List<Row> byRowIds(Connection connection, List<Long> rowIds, boolean withVector, boolean withProperties)
            throws SQLException {
        return selectIn(connection, "row_id", rowIds, withVector, withProperties);
    }

    /** The rows with the given UUIDs, in no particular order; missing UUIDs are left out. */
    List<Row> byUuids(Connection connection, List<UUID> uuids, boolean withVector, boolean withProperties)
            throws SQLException {
        return selectIn(connection, "uuid", uuids.stream().map(UUID::toString).toList(), withVector, withProperties);
    }

    private List<Row> selectIn(Connection connection, String column, List<?> values, boolean withVector,
                               boolean withProperties) throws SQLException {
        List<Row> rows = new ArrayList<>();
        for (int from = 0; from < values.size(); from += SQL_BATCH) {
            List<?> batch = values.subList(from, Math.min(values.size(), from + SQL_BATCH));
            String sql = select(withVector, withProperties) + " WHERE " + column + " IN ("
                    + "?, ".repeat(batch.size() - 1) + "?)";
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                for (int i = 0; i < batch.size(); i++) {
                    select.setObject(i + 1, batch.get(i));
                }
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        rows.add(row(result));
                    }
                }
            }
        }
        return rows;
    }

    /** Every row with vector and properties, in row order. */
    List<Row> all(Connection connection) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement select = connection.createStatement();
             ResultSet result = select.executeQuery(select(true, true) + " ORDER BY row_id")) {
            while (result.next()) {
                rows.add(row(result));
            }
        }
        return rows;
    }

    /**
     * The row ids of the records that match {@code filter}.
     *
     * @throws IllegalArgumentException if the filter names a property that is not indexed or compares it with a
     *                                  value of another type
     */
    AllowedKeys rowIdsMatching(Connection connection, PropertyFilter filter) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String where = PropertyFilter.toSql(filter, config.indexedProperties(), parameters);
        List<Long> keys = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT row_id FROM " + table
                + " WHERE " + where)) {
            for (int i = 0; i < parameters.size(); i++) {
                select.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getLong(1));
                }
            }
        }
        return AllowedKeys.of(keys.stream().mapToLong(Long::longValue).toArray());
    }

    /** The number of rows. */
    long count(Connection connection) throws SQLException {
        try (Statement count = connection.createStatement();
             ResultSet rows = count.executeQuery("SELECT count(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The select list of {@link #row}; a column that was not asked for is read as NULL, never fetched. */
    private String select(boolean withVector, boolean withProperties) {
        return "SELECT row_id, uuid, " + (withVector ? "vector" : "NULL") + ", "
                + (withProperties ? "properties" : "NULL") + " FROM " + table;
    }

    private static Row row(ResultSet result) throws SQLException {
        byte[] vector = result.getBytes(3);
        String properties = result.getString(4);
        return new Row(result.getLong(1), UUID.fromString(result.getString(2)),
                vector == null ? null : decodeVector(vector),
                properties == null ? null : PropertyCodec.fromJson(properties));
    }
}
