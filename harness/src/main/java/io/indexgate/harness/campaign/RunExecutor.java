package io.indexgate.harness.campaign;

import io.indexgate.harness.checker.Checker;
import io.indexgate.harness.checker.Violation;
import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.Histories;
import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.harness.nemesis.MediaFaults;
import io.indexgate.harness.powerloss.CrashStates;
import io.indexgate.harness.nemesis.SyscallFault;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.harness.powerloss.PowerLossScope;
import io.indexgate.harness.powerloss.SyscallJournal;
import io.indexgate.harness.powerloss.SyscallModel;
import io.indexgate.harness.sut.StoreUnderTest;
import io.indexgate.harness.workload.ChildExit;
import io.indexgate.harness.workload.WorkloadMain;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Runs one scenario on one engine in one mode: {@code cycles} child JVMs in a row on the same data directory, each
 * recovering what the previous one left and running the workload until its fault strikes (a rule halts it or makes
 * an I/O call fail, or the parent kills it at a seeded moment); then a last child that only recovers. The parent
 * records every event the children print, in order, in {@code history.jsonl}, and the checker judges that history.
 */
public final class RunExecutor {

    /** A child that runs longer than this is killed and the run is a harness error. */
    static final long CHILD_TIMEOUT_SECONDS = 120;

    private final ChildLauncher launcher;

    public RunExecutor(ChildLauncher launcher) {
        this.launcher = launcher;
    }

    /**
     * What to run.
     *
     * @param scenario     the scenario
     * @param engine       the engine id
     * @param mode         the persistence mode of the children
     * @param seed         the seed of workload, strike points and kill moments
     * @param cycles       fault cycles before the final recovery
     * @param operations   operations per cycle
     * @param killWindowMs for kill scenarios, the moment of the kill is drawn from [0, this) after the start
     * @param extraRules   rule files loaded into every child on top of the scenario's own
     * @param runDirectory where the data, history and logs go (created)
     * @param powerLoss    the power-loss model: under a simulated one every halt or kill is a power cut (strikes then
     *                     start at the second save, so that a committed index is at stake)
     * @param scope        which files a simulated power cut reaches
     */
    public record RunSpec(Scenario scenario, String engine, PersistenceMode mode, long seed, int cycles,
                          int operations, int killWindowMs, List<Path> extraRules, Path runDirectory,
                          io.indexgate.harness.powerloss.PowerLossModel powerLoss, PowerLossScope scope) {
    
        /**
         * The {@code indexgate run} command line that runs this run again, alone, with everything that shapes it:
         * the scenario (a user's rule file by its absolute path), engine, mode, seed, its cycles ({@code --kills} for
         * a kill scenario), operations per child, every {@code --with-rule} file by absolute path, the power-loss
         * model and a non-default crash-state limit. The same seed draws the same workload, strike occurrences and
         * kill moments; only where a SIGKILL lands in the child's progress depends on timing.
         */
        public String replayCommand() {
            List<String> words = new ArrayList<>(List.of("java", "-jar", "harness/target/indexgate.jar", "run"));
            if (scenario.kind() == Scenario.Kind.CUSTOM) {
                words.addAll(List.of("--rule", Path.of(scenario.strikes()).toAbsolutePath().toString()));
            } else {
                words.addAll(List.of("--scenario", scenario.name()));
            }
            words.addAll(List.of("--engine", engine, "--mode", mode.cliName(), "--seed", Long.toString(seed),
                    scenario.isKill() ? "--kills" : "--cycles", Integer.toString(cycles)));
            if (!scenario.isChurn()) {
                words.addAll(List.of("--ops", Integer.toString(operations)));
            }
            for (Path rule : extraRules) {
                words.addAll(List.of("--with-rule", rule.toAbsolutePath().toString()));
            }
            words.addAll(StoreUnderTest.current().options());
            if (powerLoss.simulated()) {
                words.add("--power-loss=" + powerLoss.cliName());
                if (scope != PowerLossScope.ALL) {
                    words.addAll(List.of("--power-loss-scope", scope.cliName()));
                }
                String crashStates = System.getProperty(WorkloadMain.CRASH_STATES_PROPERTY);
                if (crashStates != null) {
                    words.addAll(List.of("--crash-states", crashStates));
                }
            }
            return String.join(" ", words.stream().map(RunSpec::quoted).toList());
        }

        /** A word for a POSIX shell: as it is if it is plain, else in single quotes. */
        private static String quoted(String word) {
            return word.matches("[A-Za-z0-9_./=:@#%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
        }

        /**
         * How long after a kill scenario's child starts the kill may come at most: [0, this) milliseconds, narrowed
         * during a run to the shortest life of a child that ended before its kill.
         */
        static final int KILL_WINDOW_MS = 1500;

        /**
         * The run of {@code target} in {@code campaign}: its cycles (the campaign's kills for a kill scenario, else
         * its fault cycles, at least what the scenario needs), its operations per cycle (a churn scenario's own),
         * and a run directory named after the scenario and engine in the campaign's work directory.
         */
        public static RunSpec of(CampaignSpec campaign, CampaignSpec.Target target) {
            Scenario scenario = target.scenario();
            // A file-system fault strikes a call numbered in the traced first cycle: one fault cycle, then recovery.
            int cycles = scenario.isKill() ? campaign.kills() : scenario.isSyscall() ? 1
                    : Math.max(campaign.cycles(), scenario.minCycles());
            return new RunSpec(scenario, target.engine(), campaign.mode(), campaign.seed(), cycles,
                    scenario.isChurn() ? scenario.operations() : campaign.operations(), KILL_WINDOW_MS,
                    campaign.withRules(), campaign.workDir().resolve(scenario.name() + "-" + target.engine()),
                    campaign.powerLoss(), campaign.powerLossScope());
        }

        /** Whether the harness models every file of the data directory from the children's file-system journals. */
        boolean modelsEveryFile() {
            return powerLoss.simulated() && scope == PowerLossScope.ALL;
        }

        /** Whether the children run under the preloaded file-system library. */
        boolean preloaded() {
            return modelsEveryFile() || scenario.isSyscall();
        }
    }

    public RunResult execute(RunSpec spec) {
        long started = System.nanoTime();
        List<Event> history = Collections.synchronizedList(new ArrayList<>());
        String harnessError = null;
        boolean neverStruck = false;
        int faults = 0;
        try {
            Files.createDirectories(spec.runDirectory());
            Path data = spec.runDirectory().resolve("data");
            Path durable = WorkloadMain.durableDirectory(data, spec.scope());
            if (spec.preloaded()) {
                // The library's root: it exists before the first child (the store would create it otherwise).
                Files.createDirectories(data);
            }
            List<Path> rules = new ArrayList<>();
            if (spec.scenario().rule() != null) {
                rules.add(Files.writeString(spec.runDirectory().resolve(spec.scenario().name() + ".btm"),
                        spec.scenario().rule()));
            }
            rules.addAll(spec.extraRules());
            SplittableRandom random = new SplittableRandom(spec.seed());
            // A kill comes at a seeded fraction of the window. The window starts at the spec's and shrinks to the
            // life of any child of this run that ended before its kill, so kills keep landing in a child's life
            // (start, recovery, workload) however fast the child is; without it a child that finished its
            // operations inside the window escaped its kill (about one cycle in four on USearch in CI).
            AtomicLong killWindow = new AtomicLong(Math.max(1, spec.killWindowMs()));
            for (int cycle = 0; cycle <= spec.cycles(); cycle++) {
                boolean last = cycle == spec.cycles();
                int strikeAt = (spec.powerLoss().simulated() ? 2 : 1) + random.nextInt(spec.powerLoss().simulated() ? 3 : 4);
                long killAt = spec.scenario().isKill() && !last
                        ? (long) (random.nextDouble() * killWindow.get()) : -1;
                boolean intrude = spec.scenario().isIntrusion() && !last;
                Path journal = spec.preloaded() ? spec.runDirectory().resolve("calls-" + cycle + ".bin") : null;
                ChildLauncher.ChildSpec child = ChildLauncher.ChildSpec.builder(data, spec.engine(), spec.mode())
                        .seed(spec.seed()).cycle(cycle).operations(last ? 0 : spec.operations())
                        .rules(last ? spec.extraRules() : rules).strikeAt(strikeAt).powerLoss(spec.powerLoss())
                        .scope(spec.scope()).journal(journal)
                        .syscallFault(last ? null : spec.scenario().syscall())
                        .holdFile(intrude ? spec.runDirectory().resolve("hold-" + cycle) : null).build();
                if (spec.powerLoss() == PowerLossModel.REORDER) {
                    explore(child.asExplorer(spec.extraRules()), durable, history, started, spec.runDirectory());
                }
                SyscallModel.Base base = null;
                if (spec.modelsEveryFile()) {
                    if (Files.exists(durable)) {
                        SyscallModel.materialize(durable, data);
                    }
                    base = SyscallModel.capture(data);
                }
                String problem = runChild(child, killAt, history, started, spec.runDirectory(),
                        life -> killWindow.accumulateAndGet(Math.max(1, life), Math::min));
                if (problem == null && journal != null) {
                    problem = afterPreloadedChild(spec, child, journal, base, durable);
                }
                if (problem != null) {
                    harnessError = problem;
                    break;
                }
                if (!last && spec.scenario().damage() != null) {
                    rot(spec, data, durable, cycle, history, started);
                }
            }
            if (harnessError == null && history.stream().noneMatch(
                    e -> e instanceof Event.Recovered && e.cycle() == spec.cycles())) {
                harnessError = "the final recovery reported nothing; see " + spec.runDirectory();
            }
            faults = (int) history.stream().filter(e -> e instanceof Event.Fault || e instanceof Event.Kill
                    || e instanceof Event.Intrusion || e instanceof Event.Rot).count();
            neverStruck = harnessError == null && faults == 0 && !spec.scenario().isKill()
                    && !spec.scenario().isChurn() && spec.scenario().expectation(spec.mode()) != Expectation.UNREACHED;
            Histories.write(spec.runDirectory().resolve("history.jsonl"), history);
        } catch (IOException | RuntimeException e) {
            harnessError = "the harness failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            harnessError = "interrupted";
        }
        List<Violation> violations = harnessError == null ? Checker.check(history) : List.of();
        if (neverStruck && violations.isEmpty()) {
            // Nothing was tested. (A violation found all the same, before the fault had its chance, is one.)
            harnessError = "the fault of scenario " + spec.scenario().name() + " never struck in " + spec.cycles()
                    + " cycles, so nothing was tested";
        }
        int restarts = (int) history.stream().filter(e -> e instanceof Event.Start).count() - 1;
        int operations = (int) history.stream().filter(e -> e instanceof Event.Invoke).count();
        return new RunResult(spec.scenario().name(), spec.engine(), spec.mode().cliName(), spec.seed(),
                spec.scenario().expectation(spec.mode()), faults, Math.max(0, restarts), operations, violations,
                harnessError, spec.runDirectory().toString(), (System.nanoTime() - started) / 1_000_000,
                spec.powerLoss(), (int) history.stream().filter(e -> e instanceof Event.CrashState).count(),
                spec.replayCommand());
    }

    /**
     * Runs one child to its end; returns a harness problem, or null. A child that ends before its kill moment passes
     * its life (milliseconds since it was started) to {@code escapedKill}.
     */
    private String runChild(ChildLauncher.ChildSpec child, long killAtMillis, List<Event> history, long runStarted,
                            Path runDirectory, LongConsumer escapedKill) throws IOException, InterruptedException {
        Path log = runDirectory.resolve("child-" + child.cycle() + ".log");
        Files.writeString(log, launcher.commandLine(child) + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        record(history, new Event.Start(child.cycle(), "strike at " + child.strikeAt()
                + (killAtMillis >= 0 ? ", kill after " + killAtMillis + " ms" : ""), null), runStarted);
        // The child's protocol lines go to a file the kernel owns: the record survives the child's death, and the
        // parent reads it whole after the exit (no pipe to race a kill).
        Path output = runDirectory.resolve("child-" + child.cycle() + ".out");
        Process process = launcher.start(child, log, output);
        long processStarted = System.nanoTime();
        int consumed = 0;
        try {
            if (child.holdFile() != null) {
                try {
                    consumed = intrudeOnceOwned(process, child, output, history, runStarted, runDirectory);
                } finally {
                    Files.writeString(child.holdFile(), "go");
                }
            }
            boolean exited;
            if (killAtMillis >= 0) {
                exited = process.waitFor(killAtMillis, TimeUnit.MILLISECONDS);
                if (exited) {
                    escapedKill.accept((System.nanoTime() - processStarted) / 1_000_000);
                } else {
                    record(history, new Event.Kill(child.cycle(), "SIGKILL after " + killAtMillis + " ms", null),
                            runStarted);
                    // A store under test in a process of its own dies with the child, and first: it is the store.
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            }
            exited = process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                return "child " + child.cycle() + " did not finish in " + CHILD_TIMEOUT_SECONDS + " s; see " + log;
            }
        } finally {
            launcher.reap(process);
        }
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        List<String> garbage = recordProtocol(lines.subList(Math.min(consumed, lines.size()), lines.size()),
                child.cycle(), history, runStarted, log);
        int status = process.exitValue();
        record(history, new Event.Exit(child.cycle(), status, null), runStarted);
        ChildExit exit = ChildExit.of(status);
        boolean killed = exit == ChildExit.HALTED;
        if (garbage.size() > (killed ? 1 : 0)) {
            return "child " + child.cycle() + " printed malformed protocol lines, e.g. " + garbage.get(0);
        }
        if (exit != ChildExit.CLEAN && exit != ChildExit.STORE_NOT_OPENED && !killed) {
            return "child " + child.cycle() + " failed with exit status " + status + "; see " + log;
        }
        return null;
    }

    /**
     * After a child that ran under the preloaded file-system library: the journal of its calls checked (nothing the
     * model cannot follow; a file-system fault struck the call it was traced at) and, when the harness models every
     * file, replayed into the durable state (with its pending operations under the reordering model) that the cut
     * at the child's end leaves.
     *
     * @return a harness problem, or null
     */
    private static String afterPreloadedChild(RunSpec spec, ChildLauncher.ChildSpec child, Path journal,
                                              SyscallModel.Base base, Path durable) throws IOException {
        List<SyscallJournal.Call> calls = SyscallJournal.read(journal);
        SyscallFault fault = child.syscallFault();
        if (fault != null) {
            for (SyscallJournal.Call struck : calls) {
                if (struck.kind() != SyscallJournal.Kind.FAULT) {
                    continue;
                }
                String expected = fault.strikes().stream().filter(strike -> strike.call() == struck.sequence())
                        .map(SyscallFault.Strike::expected).findFirst().orElse("no strike");
                if (!struck.struckSite().equals(expected)) {
                    return "the file-system fault of " + spec.scenario().name() + " struck call " + struck.sequence()
                            + " (" + struck.struckSite() + "), but the tracer saw " + expected + " there: the "
                            + "child did not repeat the traced run; see " + journal;
                }
            }
        }
        try {
            SyscallJournal.requireFollowable(calls, journal);
            if (spec.modelsEveryFile()) {
                SyscallModel.replay(base, calls, durable, spec.powerLoss() == PowerLossModel.REORDER);
            }
        } catch (IOException e) {
            return "child " + child.cycle() + ": " + e.getMessage();
        }
        return null;
    }

    /**
     * Under the reordering model, if the last cut left pending operations: a child without the scenario's rules
     * recovers and reports each crash state of the cut in scratch copies and installs the one the run goes on from,
     * before the cycle's own child starts. (In the cycle's child the scenario's rules would strike in the scratch
     * copies, and a fault there would excuse the whole cycle.) Its events are recorded in the cycle it precedes.
     */
    private void explore(ChildLauncher.ChildSpec explorer, Path durable, List<Event> history, long runStarted,
                         Path runDirectory) throws IOException, InterruptedException {
        Path journal = durable.resolve(CrashStates.JOURNAL);
        if (!Files.exists(journal) || Files.size(journal) == 0) {
            return;
        }
        runToCompletion(explorer, "explorer", history, runStarted, runDirectory);
    }

    /**
     * Runs a side child (an explorer or an intruder) to its clean exit and records its protocol lines in its cycle;
     * its log and output are {@code child-<cycle>-<name>.log/.out}.
     *
     * @throws IOException if it does not exit cleanly in time or prints malformed protocol lines
     */
    private void runToCompletion(ChildLauncher.ChildSpec child, String name, List<Event> history, long runStarted,
                                 Path runDirectory) throws IOException, InterruptedException {
        Path log = runDirectory.resolve("child-" + child.cycle() + "-" + name + ".log");
        Path output = runDirectory.resolve("child-" + child.cycle() + "-" + name + ".out");
        Files.writeString(log, launcher.commandLine(child) + System.lineSeparator());
        Process process = launcher.start(child, log, output);
        try {
            if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    || process.exitValue() != ChildExit.CLEAN.status()) {
                throw new IOException("the " + name + " child of cycle " + child.cycle() + " failed; see " + log);
            }
        } finally {
            launcher.reap(process);
        }
        List<String> garbage = recordProtocol(Files.readAllLines(output, StandardCharsets.UTF_8), child.cycle(),
                history, runStarted, log);
        if (!garbage.isEmpty()) {
            throw new IOException("the " + name + " child printed malformed protocol lines, e.g. " + garbage.get(0));
        }
    }

    /** Damages the index file or a temp at rest, as the scenario says, at a position drawn from the seed and cycle. */
    private static void rot(RunSpec spec, Path data, Path durable, int cycle, List<Event> history, long runStarted)
            throws IOException {
        PowerLossModel model = spec.powerLoss();
        if (model == PowerLossModel.REORDER) {
            // The rot damages the file at rest, so the cut must be settled first: one of its crash states, from the
            // seed, becomes the durable state (no exploration: the rot, not the cut, is under test here).
            String settled = CrashStates.settle(durable, spec.seed() * 31 + cycle);
            if (settled != null) {
                record(history, new Event.Settled(cycle, settled, null),
                        runStarted);
            }
        }
        if (spec.modelsEveryFile()) {
            // The damage happens at rest on the disk the cut left: that disk, damaged, is the durable state after.
            SyscallModel.materialize(durable, data);
        }
        PowerLossModel inProcess = WorkloadMain.inProcessModel(model, spec.scope());
        Path indexDirectory = WorkloadMain.indexDirectory(data,
                inProcess.simulated() ? PowerLossModel.PESSIMISTIC : PowerLossModel.NONE);
        try {
            Event.Rot done = MediaFaults.damage(indexDirectory.resolve(SQLiteVectorStore.indexFileName(
                    WorkloadMain.NAMESPACE, WorkloadMain.COLLECTION, spec.engine())), spec.scenario().damage(),
                    new SplittableRandom(spec.seed() * 31 + cycle), cycle);
            if (done != null) {
                record(history, done, runStarted);
            }
        } finally {
            if (inProcess.simulated()) {
                indexDirectory.getFileSystem().close();
            }
        }
        if (spec.modelsEveryFile()) {
            SyscallModel.replay(SyscallModel.capture(data), List.of(), durable, false);
        }
    }

    /**
     * Records a child's protocol lines as events of {@code cycle}; other lines go to its log.
     *
     * @return the lines that looked like protocol but did not parse
     */
    private static List<String> recordProtocol(List<String> lines, int cycle, List<Event> history, long runStarted,
                                               Path log) throws IOException {
        List<String> garbage = new ArrayList<>();
        for (String line : lines) {
            Event event;
            try {
                event = Histories.fromProtocolLine(line);
            } catch (IOException e) {
                // A kill can cut the last line short; anything else malformed is a harness failure.
                garbage.add(line);
                continue;
            }
            if (event != null) {
                record(history, event.inCycle(cycle), runStarted);
            } else {
                Files.writeString(log, line + System.lineSeparator(), StandardOpenOption.APPEND);
            }
        }
        return garbage;
    }

    /**
     * The intrusion of a held child: waits until the child has reported its recovery (so it owns the data
     * directory, and waits for its hold file), records the lines up to that report, then runs a second child that
     * tries to open the same data directory and records what it met. The caller then releases the held child.
     *
     * @return how many of the held child's output lines were recorded here
     */
    private int intrudeOnceOwned(Process owner, ChildLauncher.ChildSpec child, Path output, List<Event> history,
                                 long runStarted, Path runDirectory) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
        List<String> complete = List.of();
        Event.Recovered recovered = null;
        while (recovered == null && owner.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            String text = Files.readString(output, StandardCharsets.UTF_8);
            complete = List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n", -1));
            complete = complete.subList(0, complete.size() - 1);
            for (String line : complete) {
                Event event = Histories.fromProtocolLine(line);
                if (event instanceof Event.Recovered found) {
                    recovered = found;
                }
            }
        }
        if (recovered == null || !recovered.recovery().opened()) {
            return 0;
        }
        Path log = runDirectory.resolve("child-" + child.cycle() + ".log");
        recordProtocol(complete, child.cycle(), history, runStarted, log);
        runToCompletion(child.asIntruder(), "intruder", history, runStarted, runDirectory);
        return complete.size();
    }

    private static void record(List<Event> history, Event event, long runStarted) {
        history.add(event.at((System.nanoTime() - runStarted) / 1_000_000));
    }
}
