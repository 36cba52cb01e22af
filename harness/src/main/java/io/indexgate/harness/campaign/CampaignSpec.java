package io.indexgate.harness.campaign;

import io.indexgate.persist.PersistenceMode;
import java.nio.file.Path;
import java.util.List;

/**
 * A campaign: every scenario on every engine, in one mode, with one seed.
 *
 * @param scenarios   what to run
 * @param engines     on which engines
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
 */
public record CampaignSpec(List<Scenario> scenarios, List<String> engines, PersistenceMode mode, long seed,
                           int cycles, int kills, int operations, List<Path> withRules, Path workDir,
                           Path reportDir, int parallel, int shardIndex, int shardCount) {

    public CampaignSpec {
        if (shardIndex < 1 || shardIndex > shardCount) {
            throw new IllegalArgumentException("shard " + shardIndex + "/" + shardCount + " is not between 1 and "
                    + shardCount);
        }
        if (parallel < 1 || cycles < 1 || kills < 1 || operations < 1) {
            throw new IllegalArgumentException("parallel, cycles, kills and operations must be at least 1");
        }
        scenarios = List.copyOf(scenarios);
        engines = List.copyOf(engines);
        withRules = List.copyOf(withRules);
    }
}
