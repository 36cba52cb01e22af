package io.indexgate.harness.campaign;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a campaign's runs, {@code parallel} at a time, reporting progress (done/total, violations so far, ETA) as
 * each finishes. Interrupting the calling thread stops the runs and kills their children.
 */
public final class Campaign {

    private final RunExecutor executor;

    public Campaign(RunExecutor executor) {
        this.executor = executor;
    }

    /** The runs of this shard, in campaign order. */
    public static List<RunExecutor.RunSpec> plan(CampaignSpec spec) {
        List<RunExecutor.RunSpec> runs = new ArrayList<>();
        int index = 0;
        for (CampaignSpec.Target target : spec.targets()) {
            if (index++ % spec.shardCount() != spec.shardIndex() - 1) {
                continue;
            }
            runs.add(RunExecutor.RunSpec.of(spec, target));
        }
        return runs;
    }

    public CampaignResult run(CampaignSpec spec, PrintStream progress) throws InterruptedException {
        List<RunExecutor.RunSpec> plan = plan(spec);
        long started = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(spec.parallel());
        List<Future<RunResult>> futures = new ArrayList<>();
        try {
            for (RunExecutor.RunSpec run : plan) {
                futures.add(pool.submit(() -> {
                    RunResult result = executor.execute(run);
                    int finished = done.incrementAndGet();
                    int found = violations.addAndGet(result.violations().size());
                    long elapsed = (System.nanoTime() - started) / 1_000_000;
                    long eta = elapsed * (plan.size() - finished) / finished;
                    progress.printf("[%d/%d] %s on %s: %s (%d faults, %.1f s); violations so far %d; ETA %d s%n",
                            finished, plan.size(), run.scenario().name(), run.engine(), result.verdict(),
                            result.faults(), result.millis() / 1000.0, found, eta / 1000);
                    return result;
                }));
            }
            List<RunResult> results = new ArrayList<>();
            for (Future<RunResult> future : futures) {
                results.add(future.get());
            }
            int cycles = plan.stream().mapToInt(run -> run.cycles() + 1).sum();
            return new CampaignResult(spec.seed(), spec.mode().cliName(), results,
                    (System.nanoTime() - started) / 1_000_000, cycles);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a run failed unexpectedly", e.getCause());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
