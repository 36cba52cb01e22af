package io.indexgate.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SQL of a collection's records table, {@code records_<collection id>}: row id (the engine key, never reused),
 * UUID, vector (little-endian float32), properties JSON, and one typed column {@code p_<property>} per indexed
 * property, each with an SQL index. Table and column names derive only from the numeric collection id and from
 * validated property names.
 */
final class RecordsTable {

    private RecordsTable() {
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
}
