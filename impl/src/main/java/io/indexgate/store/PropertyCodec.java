package io.indexgate.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Validates properties and converts them to and from the JSON stored with each record. Strings, longs, doubles and
 * booleans are plain JSON values (a double is always written with a decimal point, so its type survives); a
 * timestamp is {@code {"$timestamp": "<ISO-8601 with offset>"}}, so its offset survives. Thread-safe.
 */
final class PropertyCodec {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TIMESTAMP_KEY = "$timestamp";

    private PropertyCodec() {
    }

    /**
     * Validates names and values against the config and returns the canonical values.
     *
     * @throws IllegalArgumentException naming the record, the property and the rule
     */
    static Map<String, Object> normalize(Map<String, Object> properties, CollectionConfig config, String record) {
        Map<String, Object> canonical = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : properties.entrySet()) {
            String property = Identifiers.requirePropertyName(entry.getKey());
            String what = "property '" + property + "' of record " + record;
            PropertyType declared = config.indexedProperties().get(property);
            PropertyType type = declared != null ? declared : PropertyType.of(entry.getValue());
            if (type == null) {
                throw new IllegalArgumentException(what + " has unsupported type "
                        + entry.getValue().getClass().getName());
            }
            canonical.put(property, type.normalize(entry.getValue(), what));
        }
        return Collections.unmodifiableMap(canonical);
    }

    static String toJson(Map<String, Object> canonical) {
        ObjectNode node = JSON.createObjectNode();
        canonical.forEach((property, value) -> {
            if (value instanceof String text) {
                node.put(property, text);
            } else if (value instanceof Long number) {
                node.put(property, number);
            } else if (value instanceof Double number) {
                node.put(property, number);
            } else if (value instanceof Boolean flag) {
                node.put(property, flag);
            } else if (value instanceof OffsetDateTime timestamp) {
                node.putObject(property).put(TIMESTAMP_KEY, timestamp.toString());
            } else {
                throw new IllegalStateException("not a canonical property value: " + value);
            }
        });
        return node.toString();
    }

    static Map<String, Object> fromJson(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new VectorStoreException("stored properties are not valid JSON: " + json, e);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            Object decoded;
            if (value.isTextual()) {
                decoded = value.textValue();
            } else if (value.isIntegralNumber()) {
                decoded = value.longValue();
            } else if (value.isFloatingPointNumber()) {
                decoded = value.doubleValue();
            } else if (value.isBoolean()) {
                decoded = value.booleanValue();
            } else if (value.isObject() && value.has(TIMESTAMP_KEY)) {
                decoded = OffsetDateTime.parse(value.get(TIMESTAMP_KEY).textValue());
            } else {
                throw new VectorStoreException("stored property '" + field.getKey() + "' has an unknown form: "
                        + value);
            }
            properties.put(field.getKey(), decoded);
        }
        return Collections.unmodifiableMap(properties);
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
