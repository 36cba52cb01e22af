package io.indexgate.bench;

import io.indexgate.engine.VectorSearchEngine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inserting the {@code size} vectors of a dataset into an empty engine, in {@code add} calls of {@code batch}
 * vectors: {@code batch=1} is one record at a time (the store's path for single upserts), a large batch is a bulk
 * load (hnswlib-core spreads a batch of 2048 or more over every core). {@link Report} turns the time into vectors/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx8g", "--add-modules", "jdk.incubator.vector"})
public class AddBenchmark {

    @Param({"hnswlib", "usearch"})
    public String engine;

    @Param({"10000"})
    public int size;

    @Param({"128", "768"})
    public int dims;

    @Param({"1", "10000"})
    public int batch;

    private long[][] keys;
    private float[][][] vectors;
    private VectorSearchEngine target;

    @Setup(Level.Trial)
    public void setUp() {
        Dataset data = Dataset.of(size, dims);
        int batches = (size + batch - 1) / batch;
        keys = new long[batches][];
        vectors = new float[batches][][];
        for (int b = 0; b < batches; b++) {
            int from = b * batch;
            int to = Math.min(size, from + batch);
            keys[b] = new long[to - from];
            vectors[b] = new float[to - from][];
            for (int i = from; i < to; i++) {
                keys[b][i - from] = i;
                vectors[b][i - from] = data.vectors()[i];
            }
        }
    }

    @Setup(Level.Invocation)
    public void emptyEngine() {
        target = Indexes.newEngine(engine, dims);
    }

    @Benchmark
    public long add() {
        for (int b = 0; b < keys.length; b++) {
            target.add(keys[b], vectors[b]);
        }
        return target.size();
    }

    @TearDown(Level.Invocation)
    public void closeEngine() {
        target.close();
    }
}
