package io.indexgate.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stored JSON of properties: every type round-trips with its type and offset; other forms are refused. */
class PropertyCodecTest {

    @Test
    void everyTypeRoundTripsInOrder() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("text", "a \"quoted\" \u00e9 \uD83D\uDE00");
        properties.put("count", Long.MIN_VALUE);
        properties.put("ratio", 2.0);
        properties.put("tiny", -0.0);
        properties.put("flag", false);
        properties.put("at", OffsetDateTime.of(2024, 5, 1, 12, 0, 0, 123_456_789, ZoneOffset.ofHours(-3)));
        Map<String, Object> decoded = PropertyCodec.fromJson(PropertyCodec.toJson(properties));
        assertEquals(properties, decoded);
        assertEquals(List.copyOf(properties.keySet()), List.copyOf(decoded.keySet()));
        assertEquals(Map.of(), PropertyCodec.fromJson("{}"));
    }

    @Test
    void otherFormsAndInvalidJsonAreRefused() {
        for (String json : new String[] {"{\"a\": [1]}", "{\"a\": null}", "{\"a\": {\"when\": \"x\"}}", "[1]",
                "{\"a\": 1", "not json"}) {
            VectorStoreException refused = assertThrows(VectorStoreException.class,
                    () -> PropertyCodec.fromJson(json), json);
            assertTrue(refused.getMessage().contains(json), refused.getMessage());
        }
    }
}
