package io.indexgate.harness.campaign;

import java.util.List;

/**
 * A campaign's results.
 *
 * @param seed           the seed
 * @param mode           the persistence mode
 * @param runs           one result per scenario and engine, in campaign order
 * @param millis         wall time
 * @param cycles         crash/restart/check cycles run, final recoveries included
 */
public record CampaignResult(long seed, String mode, List<RunResult> runs, long millis, int cycles) {

    /** 0 every run valid; 1 a durability violation found; 2 the harness itself failed. */
    public int exitCode() {
        if (runs.stream().anyMatch(run -> run.harnessError() != null)) {
            return 2;
        }
        return runs.stream().anyMatch(run -> !run.violations().isEmpty()) ? 1 : 0;
    }

    /** Cycles per minute of wall time, over the whole campaign. */
    public double cyclesPerMinute() {
        return millis == 0 ? 0 : cycles * 60_000.0 / millis;
    }

    /** Mean wall time of one crash-restart-check cycle, per run (so independent of parallelism). */
    public double millisPerCycle() {
        long runMillis = runs.stream().mapToLong(RunResult::millis).sum();
        return cycles == 0 ? 0 : (double) runMillis / cycles;
    }
}
