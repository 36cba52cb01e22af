package io.indexgate.bench;

import io.indexgate.engine.VectorSearchEngine;
import java.io.IOException;
import java.nio.file.Path;
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
 * One {@code load} of a saved index into an engine: clearing stale temps, reading the file, verifying the whole
 * envelope (header, CRC32C over every byte, footer) and decoding the payload into a searchable graph, into a new
 * engine. The file is in the page cache after the first iteration, so this measures the CPU side of a load, not a cold
 * disk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 6)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx12g", "--add-modules", "jdk.incubator.vector"})
public class LoadBenchmark {

    @Param({"hnswlib", "usearch"})
    public String engine;

    @Param({"10000", "100000"})
    public int size;

    @Param({"128", "768"})
    public int dims;

    private Path file;
    private VectorSearchEngine target;

    @Setup(Level.Trial)
    public void setUp() {
        file = Indexes.file(engine, size, dims);
    }

    /**
     * Each load goes into a new, empty engine, as a store's open does; the previous iteration's engine is closed and
     * collected first, so that a load does not pay for collecting the graph of the one before it (with the old graph
     * still live, one load of 100k x 768 into hnswlib took 0.9 to 2.7 s, most of it in young collections that copied
     * into heap regions touched for the first time).
     */
    @Setup(Level.Iteration)
    public void newEngine() {
        if (target != null) {
            target.close();
            target = null;
        }
        System.gc();
        target = Indexes.newEngine(engine, dims);
    }

    @Benchmark
    public long load() throws IOException {
        target.load(file);
        return target.size();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (target != null) {
            target.close();
        }
    }
}
