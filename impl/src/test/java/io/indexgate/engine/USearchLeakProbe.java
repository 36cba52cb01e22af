package io.indexgate.engine;

import io.indexgate.engine.usearch.USearchVectorSearchEngine;
import io.indexgate.testing.ClusteredVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Run in a child JVM with a fixed heap by {@link USearchLeakTest}: {@code cycles} create/add/save/load/close cycles,
 * printing the resident set size after a warm-up and at the end; with {@code hold}, the control, it keeps engines
 * open instead of closing them, which must show as growth.
 */
public final class USearchLeakProbe {

    private USearchLeakProbe() {
    }

    public static void main(String[] args) throws Exception {
        int cycles = Integer.parseInt(args[0]);
        boolean hold = args.length > 1 && args[1].equals("hold");
        Path directory = Files.createTempDirectory(Files.isWritable(Path.of("/dev/shm")) ? Path.of("/dev/shm")
                : Path.of(System.getProperty("java.io.tmpdir")), "indexgate-leak");
        Path file = directory.resolve("leak.index");
        EngineOptions options = EngineOptions.of(16, SimilarityMetric.COSINE);
        float[][] vectors = ClusteredVectors.generate(1, hold ? 2000 : 10, 16);
        long[] keys = LongStream.range(0, vectors.length).toArray();
        List<VectorSearchEngine> held = new ArrayList<>();
        // Measured over the second half: JIT code and allocator arenas settle in the first, a leak grows in both.
        int warmUp = cycles / 2;
        long warmRss = 0;
        for (int i = 0; i < cycles; i++) {
            if (i == warmUp) {
                System.gc();
                warmRss = rssKiB();
            }
            USearchVectorSearchEngine engine = new USearchVectorSearchEngine(options);
            engine.add(keys, vectors);
            if (hold) {
                held.add(engine);
                continue;
            }
            engine.save(file);
            try (USearchVectorSearchEngine loaded = new USearchVectorSearchEngine(options)) {
                loaded.load(file);
                if (loaded.size() != vectors.length) {
                    throw new IllegalStateException("cycle " + i + " loaded " + loaded.size() + " vectors");
                }
            }
            engine.close();
        }
        System.gc();
        long endRss = rssKiB();
        System.out.printf("RSS %d KiB after %d warm-up cycles, %d KiB after %d cycles (held %d engines)%n",
                warmRss, warmUp, endRss, cycles, held.size());
        System.out.println("GROWTH_KIB " + (endRss - warmRss));
        System.out.println("END_RSS_KIB " + endRss);
        held.forEach(VectorSearchEngine::close);
        // Nothing left behind in /dev/shm (or the temp directory).
        Files.deleteIfExists(file);
        Files.delete(directory);
    }

    static long rssKiB() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
