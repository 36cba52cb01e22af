package io.indexgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * Seeded synthetic embeddings: unit vectors drawn around {@value #CLUSTERS} Gaussian cluster centres, plus a set of
 * {@value #QUERIES} query vectors drawn the same way, and the exact top-{@value #K} neighbours of every query (the
 * ground truth for recall). The key of vector {@code i} is {@code i}.
 *
 * <p>Generation is deterministic ({@link Random} with a fixed seed: the same bytes on every JDK) and cached on disk
 * (see {@link BenchFiles}), as is the ground truth; a process keeps the last few datasets in memory.
 */
public final class Dataset {

    public static final int CLUSTERS = 100;
    public static final int QUERIES = 500;
    public static final int K = 10;
    public static final long SEED = 20261124L;
    /** The norm of a point's offset from its (unit) cluster centre, before normalizing. */
    private static final double SPREAD = 1.0;
    private static final int MAGIC = 0x49474244; // IGBD

    private static final ConcurrentHashMap<String, Dataset> LOADED = new ConcurrentHashMap<>();

    private final int size;
    private final int dimensions;
    private final float[][] vectors;
    private final float[][] queries;
    private volatile int[][] truth;

    private Dataset(int size, int dimensions, float[][] vectors, float[][] queries) {
        this.size = size;
        this.dimensions = dimensions;
        this.vectors = vectors;
        this.queries = queries;
    }

    /** The dataset of {@code size} vectors of {@code dimensions} components (generated or read from the cache). */
    public static Dataset of(int size, int dimensions) {
        if (size < K || dimensions < 2) {
            throw new IllegalArgumentException("a dataset needs at least " + K + " vectors of 2 dimensions, got "
                    + size + " of " + dimensions);
        }
        String name = "clustered-n" + size + "-d" + dimensions + "-s" + SEED;
        if (LOADED.size() > 2 && !LOADED.containsKey(name)) {
            LOADED.clear(); // 100k x 768 is 300 MB: keep the heap for the benchmark
        }
        return LOADED.computeIfAbsent(name, n -> readOrGenerate(n, size, dimensions));
    }

    public int size() {
        return size;
    }

    public int dimensions() {
        return dimensions;
    }

    /** The vectors; row {@code i} has key {@code i}. Shared: do not modify. */
    public float[][] vectors() {
        return vectors;
    }

    /** The query vectors. Shared: do not modify. */
    public float[][] queries() {
        return queries;
    }

    /** The keys of the {@value #K} exact nearest neighbours (cosine) of each query, best first. */
    public int[][] groundTruth() {
        int[][] known = truth;
        if (known == null) {
            synchronized (this) {
                if (truth == null) {
                    truth = readOrComputeTruth();
                }
                known = truth;
            }
        }
        return known;
    }

    /** The mean fraction of each query's exact top {@value #K} found in {@code found[q]} (keys, best first). */
    public double recallAtK(long[][] found) {
        int[][] exact = groundTruth();
        long hits = 0;
        for (int q = 0; q < exact.length; q++) {
            java.util.Set<Long> wanted = new java.util.HashSet<>();
            for (int key : exact[q]) {
                wanted.add((long) key);
            }
            for (int i = 0; i < Math.min(K, found[q].length); i++) {
                if (wanted.contains(found[q][i])) {
                    hits++;
                }
            }
        }
        return hits / (double) (exact.length * K);
    }

    private static Dataset readOrGenerate(String name, int size, int dimensions) {
        Path file = BenchFiles.cache("data").resolve(name + ".f32");
        try {
            if (Files.exists(file)) {
                Dataset read = read(file, size, dimensions);
                if (read != null) {
                    return read;
                }
            }
            Dataset generated = generate(size, dimensions);
            generated.write(file);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the dataset cache " + file, e);
        }
    }

    static Dataset generate(int size, int dimensions) {
        Random random = new Random(SEED ^ (31L * size + dimensions));
        double sigma = SPREAD / Math.sqrt(dimensions);
        float[][] centres = new float[CLUSTERS][];
        for (int c = 0; c < CLUSTERS; c++) {
            centres[c] = unitAround(new float[dimensions], 1.0, random);
        }
        float[][] vectors = new float[size][];
        for (int i = 0; i < size; i++) {
            vectors[i] = unitAround(centres[random.nextInt(CLUSTERS)], sigma, random);
        }
        float[][] queries = new float[QUERIES][];
        for (int i = 0; i < QUERIES; i++) {
            queries[i] = unitAround(centres[random.nextInt(CLUSTERS)], sigma, random);
        }
        return new Dataset(size, dimensions, vectors, queries);
    }

    /** A unit vector: {@code centre} plus Gaussian noise of {@code sigma} per component, normalized. */
    private static float[] unitAround(float[] centre, double sigma, Random random) {
        int dimensions = centre.length;
        double[] v = new double[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            v[i] = centre[i] + sigma * random.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        float[] unit = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            unit[i] = (float) (v[i] / norm);
        }
        return unit;
    }

    private void write(Path file) throws IOException {
        long floats = (long) (size + QUERIES) * dimensions;
        Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(MAGIC).putInt(size).putInt(dimensions).putInt(QUERIES).flip();
            channel.write(header);
            ByteBuffer rows = ByteBuffer.allocate(4096 * dimensions * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float[][] block : new float[][][] {vectors, queries}) {
                for (float[] row : block) {
                    if (rows.remaining() < row.length * Float.BYTES) {
                        writeAll(channel, rows);
                    }
                    rows.asFloatBuffer().put(row);
                    rows.position(rows.position() + row.length * Float.BYTES);
                }
            }
            writeAll(channel, rows);
            if (channel.size() != 16 + floats * Float.BYTES) {
                throw new IOException("wrote " + channel.size() + " bytes to " + temp);
            }
        }
        BenchFiles.publish(temp, file);
    }

    private static void writeAll(FileChannel channel, ByteBuffer buffer) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private static Dataset read(Path file, int size, int dimensions) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long expected = 16 + (long) (size + QUERIES) * dimensions * Float.BYTES;
            if (channel.size() != expected) {
                return null;
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, expected);
            mapped.order(ByteOrder.LITTLE_ENDIAN);
            if (mapped.getInt() != MAGIC || mapped.getInt() != size || mapped.getInt() != dimensions
                    || mapped.getInt() != QUERIES) {
                return null;
            }
            FloatBuffer floats = mapped.asFloatBuffer();
            float[][] vectors = new float[size][dimensions];
            for (float[] row : vectors) {
                floats.get(row);
            }
            float[][] queries = new float[QUERIES][dimensions];
            for (float[] row : queries) {
                floats.get(row);
            }
            return new Dataset(size, dimensions, vectors, queries);
        }
    }

    private int[][] readOrComputeTruth() {
        Path file = BenchFiles.cache("data").resolve("truth-n" + size + "-d" + dimensions + "-s" + SEED + "-q"
                + QUERIES + "-k" + K + ".i32");
        try {
            long bytes = (long) QUERIES * K * Integer.BYTES;
            if (Files.exists(file) && Files.size(file) == bytes) {
                IntBuffer ints = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN)
                        .asIntBuffer();
                int[][] read = new int[QUERIES][K];
                for (int[] row : read) {
                    ints.get(row);
                }
                return read;
            }
            int[][] computed = IntStream.range(0, QUERIES).parallel().mapToObj(this::exactTopK)
                    .toArray(int[][]::new);
            ByteBuffer out = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int[] row : computed) {
                out.asIntBuffer().put(row);
                out.position(out.position() + row.length * Integer.BYTES);
            }
            Path temp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            Files.write(temp, out.array());
            BenchFiles.publish(temp, file);
            return computed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the ground-truth cache " + file, e);
        }
    }

    /** Brute force, in double precision, independent of every engine. Ties go to the lower key. */
    private int[] exactTopK(int q) {
        float[] query = queries[q];
        PriorityQueue<double[]> worstFirst = new PriorityQueue<>((a, b) -> a[0] != b[0]
                ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
        for (int i = 0; i < size; i++) {
            float[] v = vectors[i];
            double dot = 0;
            for (int d = 0; d < dimensions; d++) {
                dot += query[d] * v[d];
            }
            if (worstFirst.size() < K) {
                worstFirst.add(new double[] {dot, i});
            } else if (dot > worstFirst.peek()[0]) {
                worstFirst.poll();
                worstFirst.add(new double[] {dot, i});
            }
        }
        int[] best = new int[K];
        for (int i = K - 1; i >= 0; i--) {
            best[i] = (int) worstFirst.poll()[1];
        }
        return best;
    }
}
