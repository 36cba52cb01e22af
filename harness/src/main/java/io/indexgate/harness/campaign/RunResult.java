package io.indexgate.harness.campaign;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.indexgate.harness.checker.Violation;
import java.util.List;

/**
 * The outcome of one run (a scenario on an engine in a mode).
 *
 * @param scenario       the scenario name
 * @param engine         the engine id
 * @param mode           the persistence mode, command-line name
 * @param seed           the seed that replays it
 * @param expected       the scenario's expectation in this mode
 * @param faults         faults injected (rule strikes and kills)
 * @param restarts       child JVMs started after the first
 * @param operations     operations invoked
 * @param violations     what the checker found
 * @param harnessError   why the harness itself failed, or null
 * @param runDirectory   where its history and child logs are
 * @param millis         wall time
 * @param powerLoss      the power-loss model ({@code none}: faults were process crashes)
 * @param crashStates    the crash states recovered and checked beside the ones the run went on from (the
 *                       reordering model explores every cut)
 * @param replay         the command line that runs this run again, alone: every option that shapes it (mode,
 *                       seed, cycles or kills, operations, rules by absolute path, power-loss model)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunResult(String scenario, String engine, String mode, long seed, Expectation expected, int faults,
                        int restarts, int operations, List<Violation> violations, String harnessError,
                        String runDirectory, long millis, io.indexgate.harness.powerloss.PowerLossModel powerLoss,
                        int crashStates, String replay) {

    /** The run's verdict: {@code valid}, {@code invalid} or {@code harness-error}. */
    public String verdict() {
        if (harnessError != null) {
            return "harness-error";
        }
        return violations.isEmpty() ? "valid" : "invalid";
    }

    /** Whether the verdict is what the scenario expects in this mode. */
    public boolean asExpected() {
        if (harnessError != null) {
            return false;
        }
        return switch (expected) {
            case VALID -> violations.isEmpty();
            case INVALID -> !violations.isEmpty();
            case UNREACHED -> violations.isEmpty() && faults == 0;
            case ANY -> true;
        };
    }

    /** The command that replays this run (see {@code replay}). */
    public String replayCommand() {
        return replay;
    }
}
