package io.indexgate.engine;

import io.indexgate.persist.EnvelopeHeader;
import io.indexgate.persist.IndexEnvelope;
import io.indexgate.store.CollectionConfig;
import io.indexgate.store.IndexLoadError;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorRecord;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Run in a child JVM by {@link USearchCorruptionTest}: damages a saved USearch index in every way the issue lists and
 * checks that the store answers each with a clean {@link IndexLoadError}. Prints one line per category and exits 0
 * only if every case was clean; a JVM crash shows as a non-zero exit with no summary.
 */
public final class USearchCorruptionProbe {

    private USearchCorruptionProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("indexgate-corruption");
        List<String> failures;
        try {
            failures = probe(data);
        } finally {
            deleteTree(data); // also when the probe throws, which is when its directory used to stay behind
        }
        failures.forEach(failure -> System.out.println("FAILURE " + failure));
        System.out.println(failures.isEmpty() ? "ALL CLEAN" : failures.size() + " FAILURES");
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static List<String> probe(Path data) throws Exception {
        CollectionConfig usearch = CollectionConfig.of(4, SimilarityMetric.COSINE, "usearch");
        Path indexFile;
        Path otherEngineFile;
        Path otherDimensionFile;
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            indexFile = fill(store.createCollection("ns", "docs", usearch), 4);
            otherEngineFile = fill(store.createCollection("ns", "other",
                    CollectionConfig.of(4, SimilarityMetric.COSINE, "hnswlib")), 4);
            otherDimensionFile = fill(store.createCollection("ns", "wide",
                    CollectionConfig.of(16, SimilarityMetric.COSINE, "usearch")), 16);
        }
        byte[] good = Files.readAllBytes(indexFile);
        byte[] otherEngine = Files.readAllBytes(otherEngineFile);
        byte[] otherDimension = Files.readAllBytes(otherDimensionFile);
        List<String> failures = new ArrayList<>();
        try (SQLiteVectorStore store = SQLiteVectorStore.open(data)) {
            int truncations = 0;
            for (int length = 0; length < good.length; length++) {
                truncations += check(store, indexFile, Arrays.copyOf(good, length), "truncated to " + length, failures);
            }
            report("truncations", truncations, good.length);
            Random random = new Random(20261124);
            int flips = 0;
            for (int i = 0; i < 500; i++) {
                byte[] flipped = good.clone();
                int bit = random.nextInt(flipped.length * 8);
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                flips += check(store, indexFile, flipped, "bit " + bit + " flipped", failures);
            }
            report("bit flips", flips, 500);
            report("zero length", check(store, indexFile, new byte[0], "zero length", failures), 1);
            report("other engine", check(store, indexFile, otherEngine, "an hnswlib file", failures), 1);
            report("other dimensions", check(store, indexFile, otherDimension, "a 16-dimension file", failures), 1);
            report("forged envelope", check(store, indexFile, forged(good), "a valid envelope around a cut blob",
                    failures), 1);
            Files.write(indexFile, good);
            if (store.openCollection("ns", "docs").status().engineSize() != 20) {
                failures.add("the intact file no longer loads 20 vectors");
            }
        }
        return failures;
    }

    private static Path fill(VectorCollection collection, int dimensions) {
        Random random = new Random(dimensions);
        List<VectorRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            float[] vector = new float[dimensions];
            for (int d = 0; d < dimensions; d++) {
                vector[d] = random.nextFloat() + 0.1f;
            }
            records.add(VectorRecord.of(new UUID(dimensions, i), vector));
        }
        collection.upsert(records);
        return collection.indexPath();
    }

    /** 1 if the store rejected the bytes with a clean IndexLoadError, else 0 and a failure. */
    private static int check(SQLiteVectorStore store, Path indexFile, byte[] bytes, String what,
                             List<String> failures) throws Exception {
        Files.write(indexFile, bytes);
        Supplier<String> outcome = () -> {
            try {
                store.openCollection("ns", "docs");
                return "loaded without an error";
            } catch (IndexLoadError expected) {
                return null;
            } catch (RuntimeException other) {
                return "failed with " + other;
            }
        };
        String problem = outcome.get();
        if (problem != null) {
            failures.add(what + ": " + problem);
            return 0;
        }
        return 1;
    }

    /** The good file's payload with its USearch blob cut short, re-framed with a correct length and CRC32C. */
    private static byte[] forged(byte[] good) {
        ByteBuffer file = ByteBuffer.wrap(good);
        int payloadLength = good.length - EnvelopeHeader.LENGTH - IndexEnvelope.FOOTER_LENGTH;
        byte[] payload = Arrays.copyOfRange(good, EnvelopeHeader.LENGTH, EnvelopeHeader.LENGTH + payloadLength);
        int cut = payload.length - payload.length / 3;
        ByteBuffer shortened = ByteBuffer.wrap(Arrays.copyOf(payload, cut)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long keyCount = shortened.getLong(0);
        long removedCount = shortened.getLong((int) (8 + keyCount * 8));
        int blobLengthAt = (int) (8 + keyCount * 8 + 8 + removedCount * 8);
        shortened.putLong(blobLengthAt, cut - (blobLengthAt + 8));
        EnvelopeHeader header = new EnvelopeHeader("usearch", "cosine", 4, keyCount, cut);
        List<ByteBuffer> framed = IndexEnvelope.frame(header, shortened.position(0));
        ByteBuffer out = ByteBuffer.allocate(framed.stream().mapToInt(ByteBuffer::remaining).sum());
        framed.forEach(buffer -> out.put(buffer.duplicate()));
        file.rewind();
        return out.array();
    }

    private static void report(String category, int clean, int total) {
        System.out.printf("%s: %d of %d clean%n", category, clean, total);
    }

    /** The probe's data directory goes when it is done (a JVM crash, the bug it looks for, leaves it as evidence). */
    private static void deleteTree(Path directory) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
