package io.indexgate.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.Collections;
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

    /**
     * Decodes stored properties, with Jackson's streaming parser (no tree: a query decodes one object per match).
     *
     * @throws VectorStoreException if the text is not JSON of the form {@link #toJson} writes
     */
    static Map<String, Object> fromJson(String json) {
        try (JsonParser parser = JSON.getFactory().createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new VectorStoreException("stored properties are not a JSON object: " + json);
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String property = parser.currentName();
                Object decoded = switch (parser.nextToken()) {
                    case VALUE_STRING -> parser.getText();
                    case VALUE_NUMBER_INT -> parser.getLongValue();
                    case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
                    case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
                    case START_OBJECT -> timestamp(parser, property, json);
                    default -> throw unknownForm(property, json);
                };
                properties.put(property, decoded);
            }
            return Collections.unmodifiableMap(properties);
        } catch (IOException e) {
            throw new VectorStoreException("stored properties are not valid JSON: " + json, e);
        }
    }

    /** The rest of a {@code {"$timestamp": ...}} object, its opening brace read. */
    private static OffsetDateTime timestamp(JsonParser parser, String property, String json) throws IOException {
        String text = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            boolean isTimestamp = TIMESTAMP_KEY.equals(parser.currentName());
            JsonToken value = parser.nextToken();
            if (isTimestamp && value == JsonToken.VALUE_STRING) {
                text = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        if (text == null) {
            throw unknownForm(property, json);
        }
        return OffsetDateTime.parse(text);
    }

    private static VectorStoreException unknownForm(String property, String json) {
        return new VectorStoreException("stored property '" + property + "' has an unknown form in " + json);
    }

    static ObjectMapper mapper() {
        return JSON;
    }
}
