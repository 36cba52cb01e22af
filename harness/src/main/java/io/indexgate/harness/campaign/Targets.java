package io.indexgate.harness.campaign;

import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a campaign's targets: catalog scenarios on every engine, and each engine's enumerated crash points (of the
 * save's Java calls, and below the JVM).
 */
public final class Targets {

    private Targets() {
    }

    /**
     * What to enumerate, besides the chosen scenarios.
     *
     * @param savePoints    the crash points of a save's Java file-system calls ({@link CrashPoints})
     * @param syscallPoints the crash points below the JVM, SQLite's calls included ({@link SyscallPoints})
     * @param onlyPoints    if not empty, only these enumerated points (by name), whatever the two flags say
     * @param seed          the campaign's seed (the syscall tracer runs the campaign's own first cycle)
     * @param operations    operations per child
     * @param withRules     rule files loaded into every child
     * @param afterErrors   below the JVM, also the crash points of the write after each error point
     */
    public record Enumeration(boolean savePoints, boolean syscallPoints, List<String> onlyPoints, long seed,
                              int operations, List<Path> withRules, boolean afterErrors) {

        /** With the points after errors below the JVM (the default of the CLI). */
        public Enumeration(boolean savePoints, boolean syscallPoints, List<String> onlyPoints, long seed,
                           int operations, List<Path> withRules) {
            this(savePoints, syscallPoints, onlyPoints, seed, operations, withRules, true);
        }

        /** The same without the points after errors below the JVM (each costs a tracing child per error point). */
        public Enumeration withoutAfterErrors() {
            return new Enumeration(savePoints, syscallPoints, onlyPoints, seed, operations, withRules, false);
        }
    }

    /**
     * The given scenarios on every engine, followed by the crash points enumerated for each engine in {@code mode}
     * (all of them, or only those named in {@link Enumeration#onlyPoints()} when it is not empty).
     *
     * @throws IllegalArgumentException if a point is named that was not enumerated
     */
    public static List<CampaignSpec.Target> build(List<Scenario> scenarios, List<String> engines, PersistenceMode mode,
                                                  Enumeration enumeration,
                                                  io.indexgate.harness.powerloss.PowerLossModel powerLoss,
                                                  ChildLauncher launcher, Path workDir)
            throws IOException, InterruptedException {
        List<CampaignSpec.Target> targets = new ArrayList<>(CampaignSpec.everyOn(scenarios, engines));
        List<String> onlyPoints = enumeration.onlyPoints();
        boolean savePoints = onlyPoints.isEmpty() ? enumeration.savePoints()
                : onlyPoints.stream().anyMatch(name -> name.startsWith(CampaignResult.POINT_PREFIX));
        boolean syscallPoints = onlyPoints.isEmpty() ? enumeration.syscallPoints()
                : onlyPoints.stream().anyMatch(name -> name.startsWith(SyscallPoints.PREFIX));
        List<String> found = new ArrayList<>();
        for (String engine : engines) {
            List<Scenario> points = new ArrayList<>();
            if (savePoints) {
                points.addAll(CrashPoints.scenarios(engine, mode,
                        CrashPoints.trace(launcher, engine, mode, workDir.resolve("trace-" + engine)), powerLoss));
            }
            if (syscallPoints) {
                points.addAll(SyscallPoints.scenarios(engine, mode, SyscallPoints.trace(launcher, engine, mode,
                        enumeration.seed(), enumeration.operations(), enumeration.withRules(),
                        enumeration.afterErrors() && (onlyPoints.isEmpty()
                                || onlyPoints.stream().anyMatch(name -> name.contains("-then-"))),
                        workDir.resolve("syscall-trace-" + engine)), powerLoss));
            }
            for (Scenario point : points) {
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
