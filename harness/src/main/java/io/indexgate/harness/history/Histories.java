package io.indexgate.harness.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes histories as JSON lines, and the child-to-parent protocol: a child prints each event as one line
 * {@value #PREFIX}{@code <json>} on its standard output (flushed before it acts), so that other output on the same
 * stream (logs, Byteman traces) is ignored. Thread-safe.
 */
public final class Histories {

    /** Marks a protocol line on a child's standard output. */
    public static final String PREFIX = "@@IG ";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /**
     * Events are read strictly: a field an event does not have (a history of an older format, a typo) or a missing
     * primitive is an error, never a default that the checker would then misjudge.
     */
    private static final ObjectMapper EVENTS = JSON.copy()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private Histories() {
    }

    public static ObjectMapper json() {
        return JSON;
    }

    /** The protocol line for {@code event}. */
    public static String toProtocolLine(Event event) {
        return PREFIX + toJson(event);
    }

    /** The event of a protocol line, or null if the line is not one (other output of the child). */
    public static Event fromProtocolLine(String line) throws JsonProcessingException {
        int at = line.indexOf(PREFIX);
        if (at < 0) {
            return null;
        }
        return EVENTS.readValue(line.substring(at + PREFIX.length()), Event.class);
    }

    public static String toJson(Event event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event cannot be serialized: " + event, e);
        }
    }

    public static void write(Path file, List<Event> events) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Event event : events) {
                out.write(toJson(event));
                out.newLine();
            }
        }
    }

    public static List<Event> read(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(EVENTS.readValue(line, Event.class));
            } catch (JsonProcessingException e) {
                throw new IOException(file + " line " + number + " is not a history event: " + e.getMessage(), e);
            }
        }
        return events;
    }
}
