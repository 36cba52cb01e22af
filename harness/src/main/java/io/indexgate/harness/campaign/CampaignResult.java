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

    /**
     * 0 every run valid; 1 a durability violation found (even if some other run failed in the harness: a found
     * violation is never reported as "retry"); 2 no violation, but the harness itself failed somewhere.
     */
    public int exitCode() {
        if (runs.stream().anyMatch(run -> !run.violations().isEmpty())) {
            return 1;
        }
        return runs.stream().anyMatch(run -> run.harnessError() != null) ? 2 : 0;
    }

    /** The prefix of the names of enumerated crash-point scenarios. */
    public static final String POINT_PREFIX = "point-";

    /**
     * Crash-point coverage per engine: enumerated points run, and how many of them struck ({@code [exercised,
     * enumerated]}).
     */
    public java.util.Map<String, int[]> coverage() {
        java.util.Map<String, int[]> coverage = new java.util.TreeMap<>();
        for (RunResult run : runs) {
            if (run.scenario().startsWith(POINT_PREFIX)) {
                int[] counts = coverage.computeIfAbsent(run.engine(), engine -> new int[2]);
                counts[1]++;
                if (run.faults() > 0) {
                    counts[0]++;
                }
            }
        }
        return coverage;
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
