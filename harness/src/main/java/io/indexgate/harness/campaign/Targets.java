package io.indexgate.harness.campaign;

import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds a campaign's targets: catalog scenarios on every engine, and each engine's enumerated crash points. */
public final class Targets {

    private Targets() {
    }

    /**
     * The given scenarios on every engine, followed by the crash points traced for each engine in {@code mode} (all of
     * them, or only those named in {@code onlyPoints} when it is not empty).
     *
     * @throws IllegalArgumentException if {@code onlyPoints} names a point that was not enumerated
     */
    public static List<CampaignSpec.Target> build(List<Scenario> scenarios, List<String> engines, PersistenceMode mode,
                                                  boolean enumerate, List<String> onlyPoints, io.indexgate.harness.powerloss.PowerLossModel powerLoss,
                                                  ChildLauncher launcher, Path workDir)
            throws IOException, InterruptedException {
        List<CampaignSpec.Target> targets = new ArrayList<>(CampaignSpec.everyOn(scenarios, engines));
        if (!enumerate && onlyPoints.isEmpty()) {
            return targets;
        }
        List<String> found = new ArrayList<>();
        for (String engine : engines) {
            List<CrashPoints.Point> traced = CrashPoints.trace(launcher, engine, mode, workDir.resolve("trace-" + engine));
            for (Scenario point : CrashPoints.scenarios(engine, mode, traced, powerLoss)) {
                if (onlyPoints.isEmpty() || onlyPoints.contains(point.name())) {
                    targets.add(new CampaignSpec.Target(point, engine));
                    found.add(point.name());
                }
            }
        }
        List<String> missing = onlyPoints.stream().filter(name -> !found.contains(name)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no enumerated crash point is named " + missing + " for engines "
                    + engines + " in mode " + mode.cliName());
        }
        return targets;
    }
}
