package io.indexgate.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * The disk's own limit for a save: the bytes of the engine's index file for the dataset, already in memory (a direct
 * buffer), written with one {@link FileChannel} over the previous copy and forced ({@code force(true)}), in the same
 * scratch directory and run as {@link SaveBenchmark}. No encoding, no checksum, no rename, no directory fsync.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 6)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g", "-XX:MaxDirectMemorySize=2g"})
public class RawWriteBaseline {

    @Param({"hnswlib", "usearch"})
    public String engine;

    @Param({"10000", "100000"})
    public int size;

    @Param({"128", "768"})
    public int dims;

    private ByteBuffer bytes;
    private Path scratch;
    private Path target;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = Indexes.file(engine, size, dims);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            bytes = ByteBuffer.allocateDirect(Math.toIntExact(channel.size()));
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // read it all
            }
            bytes.flip();
        }
        scratch = BenchFiles.scratch("raw");
        target = scratch.resolve("raw.bin");
    }

    @Benchmark
    public long write() throws IOException {
        ByteBuffer all = bytes.duplicate();
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (all.hasRemaining()) {
                channel.write(all);
            }
            channel.force(true);
            return channel.size();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchFiles.deleteTree(scratch);
    }
}
