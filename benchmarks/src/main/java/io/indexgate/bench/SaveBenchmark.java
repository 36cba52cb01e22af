package io.indexgate.bench;

import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.testing.PersistenceMode;
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
 * One {@code save} of a whole index through the engine's real path (encode, envelope, CRC32C, the persistence mode's
 * writes and forces), per engine, mode and dataset. The same file is saved over and over, as a store does. The MB/s
 * of each row ({@link Report}) is the index file's size over the time; {@link RawWriteBaseline} writes the same number
 * of bytes in the same run, which is the disk's own limit.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx12g", "--add-modules", "jdk.incubator.vector"})
public class SaveBenchmark {

    @Param({"hnswlib", "usearch"})
    public String engine;

    @Param({"DIRECT", "ATOMIC_NO_DIR_SYNC", "ATOMIC"})
    public String mode;

    @Param({"10000", "100000"})
    public int size;

    @Param({"128", "768"})
    public int dims;

    private VectorSearchEngine index;
    private Path scratch;
    private Path target;

    @Setup(Level.Trial)
    public void setUp() {
        // The weakened modes are negative controls, installed for this forked JVM only: their cost beside ATOMIC's.
        PersistenceMode.install(PersistenceMode.valueOf(mode));
        index = Indexes.load(engine, size, dims);
        scratch = BenchFiles.scratch("save");
        target = scratch.resolve("index.ig");
    }

    @Benchmark
    public void save() throws IOException {
        index.save(target);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        PersistenceMode.install(PersistenceMode.ATOMIC);
        if (index != null) {
            index.close();
        }
        BenchFiles.deleteTree(scratch);
    }
}
