package io.indexgate.bench;

import io.indexgate.engine.Engines;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds every cached input of the full run ahead of it (datasets, ground truth, the index of each engine over each
 * dataset, their recall), so that the run itself only measures: {@code java -cp benchmarks.jar
 * io.indexgate.bench.Prepare [sizes] [dimensions]}, e.g. {@code 10000,100000 128,768} (the default).
 */
public final class Prepare {

    private Prepare() {
    }

    public static void main(String[] args) {
        int[] sizes = parse(args.length > 0 ? args[0] : "10000,100000");
        int[] dimensions = parse(args.length > 1 ? args[1] : "128,768");
        List<String> engines = new ArrayList<>(Engines.ids());
        engines.removeIf(engine -> !Engines.isAvailable(engine));
        for (int dims : dimensions) {
            for (int size : sizes) {
                long start = System.nanoTime();
                Dataset data = Dataset.of(size, dims);
                data.groundTruth();
                System.out.printf("dataset %dx%d and its ground truth: %.1f s%n", size, dims, seconds(start));
                for (String engine : engines) {
                    long built = System.nanoTime();
                    try (var index = Indexes.load(engine, size, dims)) {
                        double recall = Indexes.recall(engine, size, dims, index);
                        System.out.printf("  %-8s ready in %.1f s, recall@10 %.4f, facts %s%n", engine,
                                seconds(built), recall, Facts.read(Facts.indexKey(engine, size, dims)));
                    }
                }
            }
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static int[] parse(String list) {
        return java.util.Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
