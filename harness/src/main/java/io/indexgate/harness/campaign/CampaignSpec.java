package io.indexgate.harness.campaign;

import io.indexgate.harness.powerloss.PowerLossScope;
import io.indexgate.testing.PersistenceMode;
import java.nio.file.Path;
import java.util.List;


/**
 * A campaign: scenarios on engines, in one mode, with one seed.
 *
 * @param targets     what to run: each scenario on its engine
 * @param mode        the persistence mode of the children
 * @param seed        replays the whole campaign
 * @param cycles      fault cycles per rule scenario
 * @param kills       kill cycles per kill scenario
 * @param operations  operations per cycle
 * @param withRules   rule files loaded into every child (platform quirks, bugs)
 * @param workDir     where runs keep their data
 * @param reportDir   where reports, histories and logs go
 * @param parallel    runs at once
 * @param shardIndex  this shard, from 1
 * @param shardCount  shards in all
 * @param powerLoss   the power-loss model; under a simulated one every halt and kill is a power cut
 * @param powerLossScope which files a simulated power cut reaches: every file of the data directory (below the JVM,
 *                    through the preloaded file-system library) or the index directory alone (in the child's JVM)
 */
public record CampaignSpec(List<Target> targets, PersistenceMode mode, long seed,
                           int cycles, int kills, int operations, List<Path> withRules, Path workDir,
                           Path reportDir, int parallel, int shardIndex, int shardCount,
                           io.indexgate.harness.powerloss.PowerLossModel powerLoss, PowerLossScope powerLossScope) {

    /**
     * A builder of a campaign of {@code targets} that keeps its data in {@code workDir} and its reports in {@code
     * reportDir}; everything else defaults as on the command line: ATOMIC mode, seed 0, 3 fault cycles, 10 kills,
     * 40 operations per child, no extra rules, one run at a time, one shard, no power-loss simulation (and when
     * one is chosen, it reaches every file of the data directory).
     */
    public static Builder builder(List<Target> targets, Path workDir, Path reportDir) {
        return new Builder(targets, workDir, reportDir);
    }

    /** Builds a {@link CampaignSpec}; not thread-safe. */
    public static final class Builder {
        private final List<Target> targets;
        private final Path workDir;
        private final Path reportDir;
        private PersistenceMode mode = PersistenceMode.ATOMIC;
        private long seed;
        private int cycles = 3;
        private int kills = 10;
        private int operations = 40;
        private List<Path> withRules = List.of();
        private int parallel = 1;
        private int shardIndex = 1;
        private int shardCount = 1;
        private io.indexgate.harness.powerloss.PowerLossModel powerLoss =
                io.indexgate.harness.powerloss.PowerLossModel.NONE;
        private PowerLossScope powerLossScope = PowerLossScope.ALL;

        private Builder(List<Target> targets, Path workDir, Path reportDir) {
            this.targets = targets;
            this.workDir = workDir;
            this.reportDir = reportDir;
        }

        public Builder mode(PersistenceMode value) {
            mode = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder cycles(int value) {
            cycles = value;
            return this;
        }

        public Builder kills(int value) {
            kills = value;
            return this;
        }

        public Builder operations(int value) {
            operations = value;
            return this;
        }

        public Builder withRules(List<Path> value) {
            withRules = value;
            return this;
        }

        public Builder parallel(int value) {
            parallel = value;
            return this;
        }

        /** The {@code index}-th of {@code count} shards, from 1. */
        public Builder shard(int index, int count) {
            shardIndex = index;
            shardCount = count;
            return this;
        }

        public Builder powerLoss(io.indexgate.harness.powerloss.PowerLossModel value) {
            powerLoss = value;
            return this;
        }

        public Builder powerLossScope(PowerLossScope value) {
            powerLossScope = value;
            return this;
        }

        /** @throws IllegalArgumentException if a count is below 1 or the shard is out of range */
        public CampaignSpec build() {
            return new CampaignSpec(targets, mode, seed, cycles, kills, operations, withRules, workDir, reportDir,
                    parallel, shardIndex, shardCount, powerLoss, powerLossScope);
        }
    }

    /** One scenario on one engine. */
    public record Target(Scenario scenario, String engine) {
    }

    /** Every scenario on every engine. */
    public static List<Target> everyOn(List<Scenario> scenarios, List<String> engines) {
        List<Target> targets = new java.util.ArrayList<>();
        for (Scenario scenario : scenarios) {
            for (String engine : engines) {
                targets.add(new Target(scenario, engine));
            }
        }
        return targets;
    }

    public CampaignSpec {
        if (shardIndex < 1 || shardIndex > shardCount) {
            throw new IllegalArgumentException("shard " + shardIndex + "/" + shardCount + " is not between 1 and "
                    + shardCount);
        }
        if (parallel < 1 || cycles < 1 || kills < 1 || operations < 1) {
            throw new IllegalArgumentException("parallel, cycles, kills and operations must be at least 1");
        }
        targets = List.copyOf(targets);
        withRules = List.copyOf(withRules);
    }
}
