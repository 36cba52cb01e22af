package io.indexgate.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a benchmark learns besides its timing and JMH cannot carry in its result file: the size of each index file
 * (for MB/s) and the recall@10 of each index (for "does this QPS count"). One small JSON object per index, in
 * {@code <cache>/facts}; {@link Report} joins them with the JMH results.
 */
public final class Facts {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Facts() {
    }

    /** The key of the facts about one engine's index of one dataset. */
    public static String indexKey(String engine, int size, int dimensions) {
        return engine + "-n" + size + "-d" + dimensions;
    }

    /** The facts recorded under {@code key} (empty if none). */
    public static synchronized Map<String, Object> read(Path directory, String key) {
        Path file = directory.resolve(key + ".json");
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = JSON.readValue(file.toFile(), TreeMap.class);
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the benchmark facts " + file, e);
        }
    }

    /** Records one fact under {@code key}, keeping the others. */
    public static synchronized void put(String key, String fact, Object value) {
        Path directory = BenchFiles.cache("facts");
        Map<String, Object> facts = read(directory, key);
        facts.put(fact, value);
        write(directory, key, facts);
    }

    /** Replaces every fact under {@code key}. */
    public static synchronized void replace(String key, Map<String, Object> facts) {
        write(BenchFiles.cache("facts"), key, new TreeMap<>(facts));
    }

    /** The facts recorded under {@code key} in the default cache. */
    public static Map<String, Object> read(String key) {
        return read(BenchFiles.cache("facts"), key);
    }

    private static void write(Path directory, String key, Map<String, Object> facts) {
        Path file = directory.resolve(key + ".json");
        Path temp = directory.resolve(key + ".json." + ProcessHandle.current().pid() + ".tmp");
        try {
            ObjectNode node = JSON.valueToTree(facts);
            Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            BenchFiles.publish(temp, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark facts " + file, e);
        }
    }
}
