package io.indexgate.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * All the SQL of a collection's records table, {@code records_<collection id>}: row id (the engine key, never reused),
 * UUID, vector (little-endian float32), properties JSON, and one typed column {@code p_<property>} per indexed
 * property, each with an SQL index. Table and column names derive only from the numeric collection id and from
 * validated property names. Every method runs on a connection its caller provides, so that a write joins the
 * caller's transaction (with the pending-operation log's rows, see {@link PendingLog}). The reads by row id and UUID
 * use the connection's kept statements ({@link Database#withStatement}), with {@code IN} lists of a few fixed
 * lengths so that one statement serves every batch of up to that many values. Immutable and thread-safe; a
 * {@link Writer} belongs to one transaction.
 */
final class RecordsTable {

    /** How many values one {@code IN (...)} list binds at most. */
    private static final int SQL_BATCH = 512;
    /** The lengths of the {@code IN} lists prepared, each twice the last; a batch is padded to the next one. */
    private static final int SMALLEST_IN_LIST = 16;

    private final Database database;
    private final String table;
    private final CollectionConfig config;
    private final List<String> indexed;
    private final List<PropertyType> indexedTypes;

    RecordsTable(Database database, long collectionId, CollectionConfig config) {
        this.database = database;
        this.table = name(collectionId);
        this.config = config;
        this.indexed = List.copyOf(config.indexedProperties().keySet());
        this.indexedTypes = List.copyOf(config.indexedProperties().values());
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

    /**
     * Removes and inserts rows inside the caller's write transaction, and tells {@code changes} (if not null) the
     * indexed values of each row it removes and inserts, for the in-memory index to apply once the transaction has
     * committed. Not thread-safe; close it with the work.
     */
    final class Writer implements AutoCloseable {

        private final Connection connection;
        private final PropertyIndex.Changes changes;
        private final PreparedStatement find;
        private final PreparedStatement remove;
        private final PreparedStatement insert;

        private Writer(Connection connection, PropertyIndex.Changes changes) throws SQLException {
            this.connection = connection;
            this.changes = changes;
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (uuid, vector, properties");
            for (String property : indexed) {
                sql.append(", ").append(propertyColumn(property));
            }
            sql.append(") VALUES (?, ?, ?").append(", ?".repeat(indexed.size())).append(')');
            this.find = connection.prepareStatement("SELECT " + indexedColumns() + " FROM " + table
                    + " WHERE uuid = ?");
            this.remove = connection.prepareStatement("DELETE FROM " + table + " WHERE row_id = ?");
            this.insert = connection.prepareStatement(sql.toString());
        }

        /** Deletes the row of {@code uuid}, if any, and returns its row id (else null). */
        Long remove(UUID uuid) throws SQLException {
            find.setString(1, uuid.toString());
            PropertyIndex.Entry existing;
            try (ResultSet rows = find.executeQuery()) {
                existing = rows.next() ? indexedEntry(rows) : null;
            }
            if (existing == null) {
                return null;
            }
            remove.setLong(1, existing.rowId());
            remove.executeUpdate();
            if (changes != null) {
                changes.removed(existing);
            }
            return existing.rowId();
        }

        /**
         * Inserts a record whose UUID has no row, with its properties already normalized
         * ({@link PropertyCodec#normalize}), and returns its new row id.
         */
        long insert(VectorRecord record, Map<String, Object> properties) throws SQLException {
            insert.setString(1, record.uuid().toString());
            insert.setBytes(2, encodeVector(record.vector()));
            insert.setString(3, PropertyCodec.toJson(properties));
            Object[] values = new Object[indexed.size()];
            for (int p = 0; p < indexed.size(); p++) {
                Object value = properties.get(indexed.get(p));
                values[p] = value == null ? null : indexedTypes.get(p).toSql(value);
                insert.setObject(4 + p, values[p]);
            }
            insert.executeUpdate();
            long rowId = Database.lastInsertRowId(connection);
            if (changes != null) {
                changes.inserted(new PropertyIndex.Entry(rowId, values));
            }
            return rowId;
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

    /**
     * A writer for one write transaction on {@code connection}, telling {@code changes} (may be null) what it
     * removes and inserts.
     */
    Writer writer(Connection connection, PropertyIndex.Changes changes) throws SQLException {
        return new Writer(connection, changes);
    }

    /** The rows with the given row ids, in no particular order; missing ids are left out. */
    List<Row> byRowIds(Connection connection, long[] rowIds, boolean withVector, boolean withProperties)
            throws SQLException {
        return selectIn(connection, "row_id", Arrays.stream(rowIds).boxed().toList(), withVector, withProperties);
    }

    /** The rows with the given UUIDs, in no particular order; missing UUIDs are left out. */
    List<Row> byUuids(Connection connection, List<UUID> uuids, boolean withVector, boolean withProperties)
            throws SQLException {
        return selectIn(connection, "uuid", uuids.stream().map(UUID::toString).toList(), withVector, withProperties);
    }

    private List<Row> selectIn(Connection connection, String column, List<?> values, boolean withVector,
                               boolean withProperties) throws SQLException {
        List<Row> rows = new ArrayList<>(values.size());
        for (int from = 0; from < values.size(); from += SQL_BATCH) {
            List<?> batch = values.subList(from, Math.min(values.size(), from + SQL_BATCH));
            int length = inListLength(batch.size());
            String sql = select(withVector, withProperties) + " WHERE " + column + " IN ("
                    + "?, ".repeat(length - 1) + "?)";
            database.withStatement(connection, sql, select -> {
                for (int i = 0; i < length; i++) {
                    // Padding repeats the last value: a value listed twice matches its row once.
                    select.setObject(i + 1, batch.get(Math.min(i, batch.size() - 1)));
                }
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        rows.add(row(result));
                    }
                }
                return null;
            });
        }
        return rows;
    }

    /** The length of the prepared {@code IN} list that holds {@code values} (1 to {@value #SQL_BATCH}) values. */
    static int inListLength(int values) {
        int length = SMALLEST_IN_LIST;
        while (length < values) {
            length *= 2;
        }
        return Math.min(length, SQL_BATCH);
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
     * The row ids of the records that match {@code filter}, ascending, evaluated by SQLite: for the filters that the
     * in-memory index cannot answer (see {@link PropertyIndex}).
     *
     * @throws IllegalArgumentException if the filter names a property that is not indexed or compares it with a
     *                                  value of another type
     */
    long[] rowIdsMatching(Connection connection, PropertyFilter filter) throws SQLException {
        List<Object> parameters = new ArrayList<>();
        String where = PropertyFilters.toSql(filter, config.indexedProperties(), parameters);
        List<Long> keys = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT row_id FROM " + table
                + " WHERE " + where + " ORDER BY row_id")) {
            for (int i = 0; i < parameters.size(); i++) {
                select.setObject(i + 1, parameters.get(i));
            }
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getLong(1));
                }
            }
        }
        return keys.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Loads every row and its indexed values into {@code index} (call it in one read transaction, so that the
     * statements see one state). The row ids come from the smallest SQL index that covers them and each property's
     * values from its own SQL index, never from the table itself, whose rows carry the vectors: on a cold open of
     * 100,000 records of 128 dimensions that is about 70 ms instead of 300.
     */
    void loadIndexed(Connection connection, PropertyIndex index) throws SQLException {
        try (Statement select = connection.createStatement()) {
            try (ResultSet rows = select.executeQuery("SELECT row_id FROM " + table)) {
                while (rows.next()) {
                    index.loadRow(rows.getLong(1));
                }
            }
            for (int p = 0; p < indexed.size(); p++) {
                String column = propertyColumn(indexed.get(p));
                try (ResultSet rows = select.executeQuery("SELECT " + column + ", row_id FROM " + table + " WHERE "
                        + column + " IS NOT NULL ORDER BY " + column)) {
                    while (rows.next()) {
                        index.loadValue(p, indexedValue(rows, 1, indexedTypes.get(p)), rows.getLong(2));
                    }
                }
            }
        }
    }

    /** The select list of {@link #indexedEntry}: the row id, then each indexed property's column. */
    private String indexedColumns() {
        StringBuilder columns = new StringBuilder("row_id");
        for (String property : indexed) {
            columns.append(", ").append(propertyColumn(property));
        }
        return columns.toString();
    }

    /** A row's indexed values as stored (in each type's SQL form; null where the record lacks the property). */
    private PropertyIndex.Entry indexedEntry(ResultSet result) throws SQLException {
        Object[] values = new Object[indexed.size()];
        for (int p = 0; p < values.length; p++) {
            values[p] = indexedValue(result, 2 + p, indexedTypes.get(p));
        }
        return new PropertyIndex.Entry(result.getLong(1), values);
    }

    /** The value of an indexed property's column as stored, in its type's SQL form; null for NULL. */
    private static Object indexedValue(ResultSet result, int column, PropertyType type) throws SQLException {
        Object value = switch (type) {
            case STRING -> result.getString(column);
            case DOUBLE -> result.getDouble(column);
            case LONG, BOOLEAN, TIMESTAMP -> result.getLong(column);
        };
        return result.wasNull() ? null : value;
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
