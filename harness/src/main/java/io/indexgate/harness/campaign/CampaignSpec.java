package io.indexgate.harness.campaign;

import io.indexgate.persist.PersistenceMode;
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
 * @param powerLoss   the power-loss model; under a simulated one the children's index directory is on the power-loss simulation, so that every halt and
 *                    kill is a power cut
 */
public record CampaignSpec(List<Target> targets, PersistenceMode mode, long seed,
                           int cycles, int kills, int operations, List<Path> withRules, Path workDir,
                           Path reportDir, int parallel, int shardIndex, int shardCount,
                           io.indexgate.harness.powerloss.PowerLossModel powerLoss) {

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
