package io.indexgate.bench;

import io.indexgate.engine.Engines;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The quick profile: every benchmark, every mode and engine of this build, once, on a tiny dataset (2000 vectors of 16
 * dimensions), without forking, warm-up or repetition: it proves the benchmarks run and produce results, in seconds,
 * and says nothing about speed. {@code ./mvnw verify} runs it (BenchmarksQuickTest); by hand:
 *
 * <pre>java -cp benchmarks.jar io.indexgate.bench.Quick [RESULTS.json]</pre>
 *
 * which is JMH's {@code -f 0 -wi 0 -i 1 -r 200ms -p size=2000 -p dims=16 -p pending=100 -p batch=1,500}, followed by
 * the {@link Report}.
 */
public final class Quick {

    private Quick() {
    }

    public static void main(String[] args) throws RunnerException {
        Path results = Path.of(args.length > 0 ? args[0] : "quick.json");
        run(results);
        System.exit(Report.run(new String[] {results.toString()}));
    }

    /**
     * Runs the quick profile, writing JMH's JSON to {@code results}. Every benchmark keeps its own engine list, unless
     * the build lacks one (the native USearch library): then every benchmark runs on the engines that are available.
     */
    public static Collection<RunResult> run(Path results) throws RunnerException {
        List<String> available = Engines.ids().stream().filter(Engines::isAvailable).toList();
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("io\\.indexgate\\.bench\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .timeout(TimeValue.minutes(2))
                .shouldFailOnError(true)
                .param("size", "2000")
                .param("dims", "16")
                .param("pending", "100")
                .param("batch", "1", "500")
                .resultFormat(ResultFormatType.JSON)
                .result(results.toString());
        if (available.size() < Engines.ids().size()) {
            options.param("engine", available.toArray(String[]::new));
        }
        return new Runner(options.build()).run();
    }
}
