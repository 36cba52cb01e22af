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
     * {@link ExitCode#VALID} every run valid; {@link ExitCode#VIOLATION} a durability violation found (even if some
     * other run failed in the harness: a found violation is never reported as "retry"); {@link
     * ExitCode#HARNESS_FAILURE} no violation, but the harness itself failed somewhere.
     */
    public ExitCode verdict() {
        if (runs.stream().anyMatch(run -> !run.violations().isEmpty())) {
            return ExitCode.VIOLATION;
        }
        return runs.stream().anyMatch(run -> run.harnessError() != null) ? ExitCode.HARNESS_FAILURE : ExitCode.VALID;
    }

    /** The process exit status of {@link #verdict()}. */
    public int exitCode() {
        return verdict().code();
    }

    /** The prefix of the names of enumerated crash-point scenarios. */
    public static final String POINT_PREFIX = "point-";

    /**
     * The crash-point coverage of one engine.
     *
     * @param exercised  enumerated points whose fault struck
     * @param enumerated enumerated points run
     */
    public record Coverage(int exercised, int enumerated) {
        /** Whether every enumerated point run struck (and there was one). */
        public boolean full() {
            return enumerated > 0 && exercised == enumerated;
        }
    }

    /** Whether a scenario is an enumerated crash point: of a save's Java calls, or below the JVM. */
    public static boolean isEnumeratedPoint(String scenario) {
        return scenario.startsWith(POINT_PREFIX) || scenario.startsWith(SyscallPoints.PREFIX);
    }

    /** Crash-point coverage per engine, the points of a save's Java calls and those below the JVM together. */
    public java.util.Map<String, Coverage> coverage() {
        java.util.Map<String, Coverage> coverage = new java.util.TreeMap<>();
        for (RunResult run : runs) {
            if (isEnumeratedPoint(run.scenario())) {
                coverage.merge(run.engine(), new Coverage(run.faults() > 0 ? 1 : 0, 1),
                        (a, b) -> new Coverage(a.exercised() + b.exercised(), a.enumerated() + b.enumerated()));
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
