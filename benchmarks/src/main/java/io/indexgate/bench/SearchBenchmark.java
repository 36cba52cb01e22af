package io.indexgate.bench;

import io.indexgate.engine.SearchMatch;
import io.indexgate.engine.VectorSearchEngine;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Queries per second at k=10 on the raw engine (no store), one query per operation, cycling through the dataset's
 * query vectors; with one thread and with two threads sharing the engine. Before measuring, each trial measures the
 * index's recall@10 over all the queries against the exact ground truth and records it (see {@link Facts}):
 * {@link Report} marks a QPS whose recall is below 0.95 as not counting.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx12g", "--add-modules", "jdk.incubator.vector"})
public class SearchBenchmark {

    @Param({"hnswlib", "usearch", "exact"})
    public String engine;

    @Param({"10000", "100000"})
    public int size;

    @Param({"128", "768"})
    public int dims;

    VectorSearchEngine index;
    float[][] queries;

    @Setup(Level.Trial)
    public void setUp() {
        index = Indexes.load(engine, size, dims);
        queries = Dataset.of(size, dims).queries();
        Indexes.recall(engine, size, dims, index);
    }

    /** Each thread's own position in the query list. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        float[][] next(float[][] queries) {
            float[][] one = {queries[next]};
            next = next + 1 == queries.length ? 0 : next + 1;
            return one;
        }
    }

    @Benchmark
    @Threads(1)
    public List<List<SearchMatch>> oneThread(Cursor cursor) {
        return index.search(cursor.next(queries), 10, null);
    }

    @Benchmark
    @Threads(2)
    public List<List<SearchMatch>> twoThreads(Cursor cursor) {
        return index.search(cursor.next(queries), 10, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (index != null) {
            index.close();
        }
    }
}
