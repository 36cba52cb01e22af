package io.indexgate.harness.cli;

import io.indexgate.engine.Engines;
import io.indexgate.harness.campaign.Campaign;
import io.indexgate.harness.campaign.CampaignResult;
import io.indexgate.harness.campaign.CampaignSpec;
import io.indexgate.harness.campaign.ExitCode;
import io.indexgate.harness.campaign.HtmlReport;
import io.indexgate.harness.campaign.Reports;
import io.indexgate.harness.campaign.RuleFiles;
import io.indexgate.harness.campaign.RunExecutor;
import io.indexgate.harness.campaign.Scenario;
import io.indexgate.harness.campaign.ScenarioCatalog;
import io.indexgate.harness.checker.Checker;
import io.indexgate.harness.checker.Violation;
import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.Histories;
import io.indexgate.harness.process.ChildLauncher;
import io.indexgate.harness.process.TempFiles;
import io.indexgate.harness.workload.ChildExit;
import io.indexgate.harness.workload.WorkloadMain;
import io.indexgate.testing.PersistenceMode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import io.indexgate.harness.campaign.SyscallPoints;
import io.indexgate.harness.sut.Conformance;
import io.indexgate.harness.sut.JavaStores;
import io.indexgate.harness.sut.StoreUnderTest;
import io.indexgate.harness.campaign.Targets;
import io.indexgate.harness.powerloss.FileSystemShim;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.harness.powerloss.PowerLossScope;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import io.indexgate.harness.powerloss.PowerLossModel;
import picocli.CommandLine.Option;

/**
 * The {@code indexgate} command line. Exit codes: 0 all valid; 1 a durability violation found (for {@code inspect}:
 * the engine and SQLite disagree); 2 the harness itself failed, or bad usage (never reported as a pass); 3
 * ({@code inspect}) an index could not be loaded.
 */
@Command(name = "indexgate", mixinStandardHelpOptions = true, version = "indexgate 0.1.0",
        description = "Durability gate for vector-index persistence.",
        subcommands = {IndexgateCli.Run.class, IndexgateCli.Conform.class, IndexgateCli.Scenarios.class,
                IndexgateCli.Workload.class,
                InspectCommand.class, IndexgateCli.Check.class, IndexgateCli.Merge.class, CommandLine.HelpCommand.class,
                picocli.AutoComplete.GenerateCompletion.class},
        footerHeading = "%nExamples:%n",
        footer = {"  indexgate run                        the default campaign (hnswlib, ATOMIC, whole catalog)",
                "  indexgate run --power-loss=reorder   the same under the reordering power-loss model",
                "  indexgate help run                   every option of run",
                "  source <(indexgate generate-completion)   bash completion for this shell"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:valid", "1:a durability violation was found", "2:the harness failed or was misused",
                "3:(inspect) an index could not be loaded"})
public final class IndexgateCli {

    static final int VALID = ExitCode.VALID.code();
    static final int VIOLATION = ExitCode.VIOLATION.code();
    static final int HARNESS_FAILURE = ExitCode.HARNESS_FAILURE.code();
    static final int UNLOADABLE = ExitCode.UNLOADABLE.code();

    /**
     * The most runs a campaign starts at once without {@code --parallel}: a child waits on fsync part of the time, so
     * one per processor keeps the processors busy; beyond a few, children mostly queue on the same disk.
     */
    static final int MAX_DEFAULT_PARALLEL = 4;

    /** Runs at once without {@code --parallel}: one per processor, at most {@link #MAX_DEFAULT_PARALLEL}. */
    static int defaultParallel() {
        return Math.max(1, Math.min(MAX_DEFAULT_PARALLEL, Runtime.getRuntime().availableProcessors()));
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code; an unexpected exception is a harness failure (2). */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new IndexgateCli());
        commandLine.setExecutionExceptionHandler((exception, line, parsed) -> {
            line.getErr().println("indexgate: " + exception);
            return HARNESS_FAILURE;
        });
        commandLine.setParameterExceptionHandler((exception, parsed) -> {
            exception.getCommandLine().getErr().println("indexgate: " + exception.getMessage());
            exception.getCommandLine().usage(exception.getCommandLine().getErr());
            return HARNESS_FAILURE;
        });
        return commandLine.execute(args);
    }

    @Command(name = "run", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Run a durability campaign: scenarios x engines, crash, restart, check.",
            footerHeading = "%nExamples:%n",
            footer = {"  indexgate run --engine all --seed 42",
                    "  indexgate run --mode direct --scenario halt-after-first-chunk    (caught: exit 1)",
                    "  indexgate run --power-loss=reorder --scenario random-kill --kills 100",
                    "  indexgate run --rule my-bug.btm --with-rule fsync-does-nothing.btm"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every run valid", "1:a durability violation (even if another run failed in the harness)",
                    "2:no violation, but the harness failed or the command was misused"})
    static final class Run implements Callable<Integer> {
        @Option(names = "--engine", defaultValue = "hnswlib", description = "hnswlib, usearch, exact, or all")
        String engine;
        @Option(names = "--mode", defaultValue = "atomic",
                description = "atomic (the reference), or a negative control: atomic-no-dir-sync, atomic-no-file-sync, "
                        + "atomic-force-after-rename, direct")
        String mode;
        @Option(names = "--scenario", description = "a scenario name (repeatable); default: the whole catalog")
        List<String> scenarios = new ArrayList<>();
        @Option(names = "--rule", description = "a Byteman rule file run as an extra scenario (repeatable)")
        List<Path> rules = new ArrayList<>();
        @Option(names = "--with-rule", description = "a Byteman rule file loaded into every child (repeatable)")
        List<Path> withRules = new ArrayList<>();
        @Option(names = "--kills", defaultValue = "10", description = "SIGKILL cycles of each kill scenario")
        int kills;
        @Option(names = "--cycles", defaultValue = "3", description = "fault cycles of each rule scenario")
        int cycles;
        @Option(names = "--ops", defaultValue = "40", description = "operations per cycle")
        int operations;
        @Option(names = "--seed", description = "the seed; default: random, printed")
        Long seed;
        @Option(names = "--work-dir", description = "where runs keep their data (never deleted); default: a new temp "
                + "directory, deleted after a valid campaign unless --keep-work-dir")
        Path workDir;
        @Option(names = "--keep-work-dir", description = "keep the temp work directory of a valid campaign too "
                + "(a campaign that is not valid always keeps it, and prints where)")
        boolean keepWorkDir;
        @Option(names = "--report-dir", defaultValue = "indexgate-report", description = "where reports go")
        Path reportDir;
        @Option(names = "--parallel", paramLabel = "P", description = "runs at once (each is one child JVM); "
                + "default: the processors of this machine, at most " + MAX_DEFAULT_PARALLEL)
        Integer parallel;
        @Option(names = "--shard", defaultValue = "1/1", description = "i/n: run the i-th of n shards")
        String shard;
        @Option(names = "--power-loss", arity = "0..1", fallbackValue = "pessimistic", paramLabel = "MODEL",
                description = "simulate a power cut at every halt and kill: 'pessimistic' (the default of the bare "
                        + "flag) keeps only forced state; 'reorder' also lets any allowed subset of the unforced "
                        + "operations persist (renames before data, writes out of order) and recovers and checks "
                        + "every distinct crash state of each cut (see --crash-states)")
        String powerLossModel;
        @Option(names = "--power-loss-scope", defaultValue = "all", paramLabel = "SCOPE",
                description = "with --power-loss, which files the cut reaches: 'all' (every file of the data "
                        + "directory, SQLite's included, modelled below the JVM by a preloaded library that journals "
                        + "every file-system call; Linux x86-64) or 'index' (the index directory only, simulated "
                        + "inside the child's JVM; SQLite's files count as durable)")
        String powerLossScope;
        @Option(names = "--crash-states", defaultValue = "32", paramLabel = "N", description = "under --power-loss="
                + "reorder, the most distinct crash states explored per cut")
        int crashStates;
        @Option(names = "--enumerate", negatable = true, description = "add the enumerated crash points of a save "
                + "(traced per engine and mode); default: on when no --scenario or --rule is given")
        Boolean enumerate;
        @Option(names = "--enumerate-syscalls", negatable = true, description = "add the crash points below the JVM: "
                + "every file-system call of a save and of an acknowledged upsert, SQLite's own included, each "
                + "crashed before and after (writes torn too; write-ahead-log writes and fsyncs also failed with "
                + "ENOSPC and EIO), traced per engine and mode with this campaign's seed; default: on when no "
                + "--scenario or --rule is given")
        Boolean enumerateSyscalls;
        @Option(names = "--sut", paramLabel = "CLASS", description = "gate this Java store instead of the reference: a "
                + "public class with a public no-argument constructor implementing "
                + "io.indexgate.harness.sut.SystemUnderTest, found on --sut-classpath")
        String sutClass;
        @Option(names = "--sut-classpath", paramLabel = "PATH", description = "with --sut: the jars and directories of "
                + "the store (separated by ':')")
        String sutClassPath;
        @Option(names = "--sut-command", paramLabel = "COMMAND", description = "gate this program instead of the "
                + "reference: a command line (run with sh -c) that speaks the JSON-lines workload protocol on its "
                + "standard input and output; checked with `indexgate conform` first")
        String sutCommand;
        @Option(names = "--trace-package", paramLabel = "PACKAGE", description = "with --sut: a package of the store "
                + "whose file-system calls the crash-point tracer enumerates, as it does io.indexgate.persist for "
                + "the reference (repeatable; turns on --enumerate)")
        List<String> tracePackages = new ArrayList<>();

        @Spec
        CommandLine.Model.CommandSpec command;

        private CommandLine.ParameterException wrong(String option, String what) {
            return new CommandLine.ParameterException(command.commandLine(), option + ": " + what);
        }

        /**
         * The store this campaign gates, checked and installed for the children: the reference, a Java class that
         * loads from its class path and implements the interface, or a command.
         */
        private StoreUnderTest storeUnderTest() {
            if (sutCommand != null && (sutClass != null || sutClassPath != null)) {
                throw wrong("--sut-command", "gate either a Java store (--sut) or a program (--sut-command), not both");
            }
            if (sutClassPath != null && sutClass == null) {
                throw wrong("--sut-classpath", "goes with --sut CLASS");
            }
            if (!tracePackages.isEmpty() && sutClass == null) {
                throw wrong("--trace-package", "goes with --sut CLASS (the reference's io.indexgate.persist is "
                        + "traced already)");
            }
            if (sutCommand != null && sutCommand.isBlank()) {
                throw wrong("--sut-command", "the command line is empty");
            }
            StoreUnderTest store = new StoreUnderTest(sutClass, sutClassPath, sutCommand, tracePackages);
            if (sutClass != null) {
                String problem = JavaStores.problem(store);
                if (problem != null) {
                    throw wrong("--sut", problem);
                }
            }
            StoreUnderTest.install(store);
            return store;
        }

        /**
         * {@code name}, if it has the form of an enumerated point of {@code family} in this mode and power-loss model
         * (whether the trace has it is checked after tracing).
         *
         * @throws CommandLine.ParameterException naming the prefix such names have
         */
        private String pointName(String name, String family, String numberAndAction, String what,
                                 PersistenceMode persistenceMode, PowerLossModel powerLoss) {
            String prefix = family + switch (powerLoss) {
                case NONE -> "";
                case PESSIMISTIC -> "powerloss-";
                case REORDER -> "reorder-";
            } + persistenceMode.cliName() + "-";
            if (!name.startsWith(prefix) || !name.matches(".*-" + numberAndAction + "-.+")) {
                throw wrong("--scenario", "'" + name + "' is not " + what + " of mode " + persistenceMode.cliName()
                        + (powerLoss.simulated() ? " under --power-loss=" + powerLoss.cliName() : "")
                        + " (such names start with " + prefix + "; `indexgate scenarios --enumerate` lists them)");
            }
            return name;
        }

        @Override
        public Integer call() throws Exception {
            // Everything is checked before the first child starts: a mistake costs seconds, not a campaign.
            PersistenceMode persistenceMode;
            PowerLossModel powerLoss;
            List<String> engineIds;
            try {
                persistenceMode = PersistenceMode.parse(mode);
            } catch (IllegalArgumentException e) {
                throw wrong("--mode", e.getMessage());
            }
            try {
                powerLoss = PowerLossModel.parse(powerLossModel);
            } catch (IllegalArgumentException e) {
                throw wrong("--power-loss", e.getMessage());
            }
            PowerLossScope scope;
            try {
                scope = PowerLossScope.parse(powerLossScope);
            } catch (IllegalArgumentException e) {
                throw wrong("--power-loss-scope", e.getMessage());
            }
            try {
                engineIds = engines(engine);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw wrong("--engine", e.getMessage());
            }
            for (Object[] range : new Object[][] {{"--kills", kills}, {"--cycles", cycles}, {"--ops", operations},
                    {"--parallel", parallel == null ? defaultParallel() : parallel},
                    {"--crash-states", crashStates}}) {
                if ((int) range[1] < 1) {
                    throw wrong((String) range[0], "must be at least 1, got " + range[1]);
                }
            }
            int[] shardParts = shard(shard);
            List<String> ruleProblems = new ArrayList<>();
            rules.forEach(rule -> RuleFiles.problems(rule).forEach(problem -> ruleProblems.add("--rule " + problem)));
            withRules.forEach(rule -> RuleFiles.problems(rule)
                    .forEach(problem -> ruleProblems.add("--with-rule " + problem)));
            if (!ruleProblems.isEmpty()) {
                throw new CommandLine.ParameterException(command.commandLine(), String.join("\n", ruleProblems));
            }
            try {
                Files.createDirectories(reportDir);
                Path probe = Files.createTempFile(reportDir, ".indexgate-", ".probe");
                Files.delete(probe);
            } catch (IOException | RuntimeException e) {
                throw wrong("--report-dir", reportDir + " cannot be created and written (" + e + ")");
            }
            if (crashStates == io.indexgate.harness.powerloss.CrashStates.DEFAULT_LIMIT) {
                System.clearProperty(io.indexgate.harness.workload.WorkloadMain.CRASH_STATES_PROPERTY);
            } else {
                System.setProperty(io.indexgate.harness.workload.WorkloadMain.CRASH_STATES_PROPERTY,
                        Integer.toString(crashStates));
            }
            StoreUnderTest store = storeUnderTest();
            ScenarioCatalog catalog = ScenarioCatalog.load();
            boolean wholeCatalog = scenarios.isEmpty() && rules.isEmpty();
            List<Scenario> chosen = new ArrayList<>();
            List<String> points = new ArrayList<>();
            if (wholeCatalog) {
                // Another store than the reference gets the scenarios that do not name the reference's code.
                chosen.addAll(catalog.all().stream().filter(scenario -> store.isReference()
                        || ScenarioCatalog.anyStore(scenario)).toList());
            }
            for (String name : scenarios) {
                if (name.startsWith(SyscallPoints.PREFIX)) {
                    points.add(pointName(name, SyscallPoints.PREFIX, "\\d{3}-(before|after|torn|eio|enospc)",
                            "a crash point below the JVM", persistenceMode, powerLoss));
                } else if (name.startsWith(io.indexgate.harness.campaign.CampaignResult.POINT_PREFIX)) {
                    // Checked in full after tracing; its form and its mode and model are checked now.
                    points.add(pointName(name, io.indexgate.harness.campaign.CampaignResult.POINT_PREFIX,
                            "\\d{2}-(before|after|torn)", "an enumerated point", persistenceMode, powerLoss));
                } else {
                    try {
                        io.indexgate.harness.campaign.Scenario scenario = catalog.get(name);
                        if (!store.isReference() && !ScenarioCatalog.anyStore(scenario)) {
                            throw wrong("--scenario", "'" + name + "' (kind " + scenario.kind().wire() + ") acts on "
                                    + "the reference store's own code or files; a store under test gets the kinds "
                                    + "kill and churn, the crash points below the JVM and (a Java store) its own "
                                    + "--rule files");
                        }
                        chosen.add(scenario);
                    } catch (IllegalArgumentException e) {
                        throw wrong("--scenario", e.getMessage());
                    }
                }
            }
            for (Path rule : rules) {
                chosen.add(ScenarioCatalog.fromRuleFile(rule));
            }
            if (store.command() != null && !rules.isEmpty()) {
                throw wrong("--rule", "Byteman rules reach Java code; a --sut-command store gets kill and churn "
                        + "scenarios and the crash points below the JVM");
            }
            boolean traced = store.isReference() || !store.tracePackages().isEmpty();
            boolean savePoints = traced && (Boolean.TRUE.equals(enumerate) || (enumerate == null && wholeCatalog)
                    || !store.tracePackages().isEmpty());
            if (!traced && (Boolean.TRUE.equals(enumerate)
                    || points.stream().anyMatch(name -> !name.startsWith(SyscallPoints.PREFIX)))) {
                throw wrong("--enumerate", "the crash points of a save's Java calls are the reference's unless "
                        + "--trace-package names the store's packages; a store under test always gets the crash "
                        + "points below the JVM (--enumerate-syscalls)");
            }
            if (!store.isReference() && powerLoss.simulated() && scope == PowerLossScope.INDEX) {
                throw wrong("--power-loss-scope", "only the reference keeps its index files where the in-JVM model "
                        + "can put them; a store under test runs under --power-loss-scope all");
            }
            if (store.command() != null) {
                java.io.StringWriter why = new java.io.StringWriter();
                if (!Conformance.check(store.command(), new java.io.PrintWriter(why, true))) {
                    throw wrong("--sut-command", "the store does not speak the workload protocol (`indexgate "
                            + "conform` says why):\n" + why);
                }
            }
            boolean syscallPoints = Boolean.TRUE.equals(enumerateSyscalls)
                    || (enumerateSyscalls == null && wholeCatalog)
                    || points.stream().anyMatch(name -> name.startsWith(SyscallPoints.PREFIX));
            boolean belowTheJvm = syscallPoints || (powerLoss.simulated() && scope == PowerLossScope.ALL);
            if (belowTheJvm && FileSystemShim.unavailableReason() != null) {
                throw wrong(syscallPoints ? "--enumerate-syscalls" : "--power-loss-scope",
                        FileSystemShim.unavailableReason() + (syscallPoints ? "; --no-enumerate-syscalls leaves "
                                + "those points out" : "; --power-loss-scope index simulates the index files only"));
            }
            if (syscallPoints && powerLoss.simulated() && scope == PowerLossScope.INDEX) {
                throw wrong("--power-loss-scope", "the crash points below the JVM need the whole data directory "
                        + "under the model (--power-loss-scope all), or --no-enumerate-syscalls");
            }
            long campaignSeed = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
            Path work = workDir != null ? workDir : Files.createTempDirectory("indexgate-work");
            List<Path> absoluteWithRules = withRules.stream().map(Path::toAbsolutePath).toList();
            List<CampaignSpec.Target> targets = io.indexgate.harness.campaign.Targets.build(chosen, engineIds,
                    persistenceMode, new Targets.Enumeration(savePoints, syscallPoints, points, campaignSeed,
                            operations, absoluteWithRules), powerLoss, ChildLauncher.forThisJvm(), work);
            CampaignSpec spec = CampaignSpec.builder(targets, work.toAbsolutePath(), reportDir.toAbsolutePath())
                    .mode(persistenceMode).seed(campaignSeed).cycles(cycles).kills(kills).operations(operations)
                    .withRules(absoluteWithRules).parallel(parallel == null ? defaultParallel() : parallel)
                    .shard(shardParts[0], shardParts[1]).powerLoss(powerLoss).powerLossScope(scope)
                    .build();
            PrintStream out = System.out;
            out.printf("indexgate run: %d runs (scenarios x %s), mode %s%s, seed %d, work dir %s%n",
                    targets.size(), engineIds, persistenceMode.cliName(),
                    powerLoss.simulated() ? ", power loss (" + powerLoss.cliName() + ", "
                            + (scope == PowerLossScope.ALL ? "every file" : "index files only") + ")" : "",
                    campaignSeed, work);
            CampaignResult result = new Campaign(new RunExecutor(ChildLauncher.forThisJvm())).run(spec, System.err);
            Path results = Reports.campaignDirectory(spec.reportDir(), campaignSeed);
            Reports.keepFailingRuns(result, results);
            String table = writeResults(result, spec.reportDir(), results);
            out.println();
            out.print(table);
            out.println("results: " + results + " (verdict.json, junit.xml, summary.txt"
                    + ", index.html"
                    + (result.verdict() == ExitCode.VALID ? "" : ", runs/ with the failing runs' histories and logs")
                    + "); " + spec.reportDir().resolve("latest") + " points there");
            if (workDir == null && !keepWorkDir && result.exitCode() == VALID) {
                TempFiles.deleteTree(work);
            } else {
                out.println("work dir (histories, child logs, data directories): " + work);
            }
            out.println(Reports.verdictLine(result));
            return result.exitCode();
        }
    }

    @Command(name = "conform", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Check that a program speaks the workload protocol (README: \"Gating your own store\"): a "
                    + "fault-free session in a temp directory through every request, and what the checker relies on.",
            footerHeading = "%nExamples:%n",
            footer = {"  indexgate conform --sut-command 'python3 my_store.py'",
                    "  indexgate conform --sut-command './my-store --protocol'"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the program conforms", "2:it does not (the step and what was wrong are printed)"})
    static final class Conform implements Callable<Integer> {
        @Option(names = "--sut-command", required = true, paramLabel = "COMMAND",
                description = "the program's command line, run with sh -c")
        String sutCommand;

        @Override
        public Integer call() {
            java.io.PrintWriter out = new java.io.PrintWriter(System.out, true);
            return Conformance.check(sutCommand, out) ? VALID : HARNESS_FAILURE;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Merge the results of the shards of one campaign (run --shard i/n) into one verdict, one "
                    + "verdict.json, junit.xml and summary, with crash-point coverage summed across shards.",
            footerHeading = "%nExamples:%n",
            footer = {"  indexgate merge shard-1/latest shard-2/latest shard-3/latest shard-4/latest",
                    "  indexgate merge --report-dir merged a/verdict.json b/verdict.json"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every run of every shard valid", "1:a durability violation in some shard",
                    "2:a shard's harness failed, or the inputs are not shards of one campaign"})
    static final class Merge implements Callable<Integer> {
        @CommandLine.Parameters(arity = "1..*", paramLabel = "SHARD",
                description = "a shard's verdict.json, or the results directory that holds it")
        List<Path> shards = new ArrayList<>();
        @Option(names = "--report-dir", defaultValue = "indexgate-report",
                description = "where the merged results go (a timestamped directory, and latest)")
        Path reportDir;
        @Spec
        CommandLine.Model.CommandSpec command;

        @Override
        public Integer call() throws Exception {
            List<io.indexgate.harness.campaign.RunResult> runs = new ArrayList<>();
            Long seed = null;
            String campaignMode = null;
            long millis = 0;
            int cycles = 0;
            for (Path shard : shards) {
                Path file = Files.isDirectory(shard) ? shard.resolve("verdict.json") : shard;
                if (!Files.isRegularFile(file)) {
                    throw new CommandLine.ParameterException(command.commandLine(), "no verdict.json at " + file);
                }
                com.fasterxml.jackson.databind.JsonNode verdict = Histories.json().readTree(file.toFile());
                if (!verdict.hasNonNull("seed") || !verdict.hasNonNull("mode") || !verdict.has("runs")) {
                    throw new CommandLine.ParameterException(command.commandLine(), file
                            + " is not an indexgate verdict.json (no seed, mode or runs)");
                }
                if (seed != null && (seed != verdict.get("seed").asLong()
                        || !campaignMode.equals(verdict.get("mode").asText()))) {
                    throw new CommandLine.ParameterException(command.commandLine(), file + " is of another campaign "
                            + "(seed " + verdict.get("seed").asLong() + ", mode " + verdict.get("mode").asText()
                            + "; the first shard has seed " + seed + ", mode " + campaignMode + ")");
                }
                seed = verdict.get("seed").asLong();
                campaignMode = verdict.get("mode").asText();
                millis = Math.max(millis, verdict.path("millis").asLong());
                cycles += verdict.path("cycles").asInt();
                for (com.fasterxml.jackson.databind.JsonNode run : verdict.get("runs")) {
                    runs.add(Histories.json().treeToValue(run, io.indexgate.harness.campaign.RunResult.class));
                }
            }
            CampaignResult merged = new CampaignResult(seed, campaignMode, runs, millis, cycles);
            Path results = Reports.campaignDirectory(reportDir, seed);
            System.out.print(writeResults(merged, reportDir, results));
            System.out.println("merged " + shards.size() + " shards into " + results + " (wall time: the slowest "
                    + "shard's)");
            System.out.println(Reports.verdictLine(merged));
            return merged.exitCode();
        }
    }

    /**
     * Writes a campaign's results into {@code results} (verdict.json, junit.xml, index.html, summary.txt) and
     * points {@code reportDir/latest} at it.
     *
     * @return the table, as {@code summary.txt} holds it without the verdict line
     */
    private static String writeResults(CampaignResult result, Path reportDir, Path results) throws IOException {
        Reports.write(result, results);
        HtmlReport.write(result, results);
        java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
        Reports.printTable(result, new PrintStream(table, true, java.nio.charset.StandardCharsets.UTF_8));
        String text = table.toString(java.nio.charset.StandardCharsets.UTF_8);
        Files.writeString(results.resolve("summary.txt"), text + Reports.verdictLine(result) + System.lineSeparator());
        Reports.linkLatest(reportDir, results);
        return text;
    }

    /** {@code i/n} with 1 <= i <= n, or a parameter error that names --shard. */
    private static int[] shard(String text) {
        String[] parts = text.split("/", -1);
        try {
            if (parts.length == 2) {
                int index = Integer.parseInt(parts[0].strip());
                int count = Integer.parseInt(parts[1].strip());
                if (index >= 1 && index <= count) {
                    return new int[] {index, count};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(new CommandLine(new IndexgateCli()),
                "--shard takes i/n with 1 <= i <= n (for example 2/4), got '" + text + "'");
    }

    static List<String> engines(String engine) {
        List<String> chosen = "all".equals(engine)
                ? Engines.ids().stream().filter(id -> !id.equals("exact")).toList() : List.of(engine);
        for (String id : chosen) {
            if (!Engines.ids().contains(id)) {
                throw new IllegalArgumentException("unknown engine '" + id + "'; known: " + Engines.ids() + ", all");
            }
            if (!Engines.isAvailable(id)) {
                Engines.create(id, io.indexgate.engine.EngineOptions.of(1,
                        io.indexgate.engine.SimilarityMetric.DOT));
            }
        }
        return chosen;
    }

    @Command(name = "scenarios", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "List the scenario catalog; with --enumerate, also trace and list the crash points of a save "
                    + "and, below the JVM, of a save and an acknowledged upsert.",
            footerHeading = "%nExamples:%n",
            footer = {"  indexgate scenarios", "  indexgate scenarios --enumerate --engine all --mode direct",
                    "  indexgate scenarios --enumerate --seed 42 --ops 24   (the points below the JVM of that seed)"},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:listed", "2:misused"})
    static final class Scenarios implements Callable<Integer> {
        @Option(names = "--enumerate", description = "run the crash-point tracer and list the generated scenarios")
        boolean enumerate;
        @Option(names = "--engine", defaultValue = "hnswlib", description = "with --enumerate: hnswlib, usearch, "
                + "exact or all")
        String engine;
        @Option(names = "--mode", defaultValue = "atomic", description = "with --enumerate: the persistence mode "
                + "whose save is traced")
        String mode;
        @Option(names = "--seed", defaultValue = "1", description = "with --enumerate: the campaign seed whose first "
                + "cycle the tracer below the JVM runs (the calls it numbers depend on the workload)")
        long seed;
        @Option(names = "--ops", defaultValue = "40", description = "with --enumerate: operations per child, as in "
                + "the campaign")
        int operations;
        @Spec
        CommandLine.Model.CommandSpec command;

        @Override
        public Integer call() throws Exception {
            PersistenceMode persistenceMode;
            try {
                persistenceMode = PersistenceMode.parse(mode);
                engines(engine);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CommandLine.ParameterException(command.commandLine(), e.getMessage());
            }
            if (operations < 1) {
                throw new CommandLine.ParameterException(command.commandLine(), "--ops: must be at least 1, got "
                        + operations);
            }
            StoreUnderTest.install(StoreUnderTest.REFERENCE);
            List<Scenario> listed = new ArrayList<>(ScenarioCatalog.load().all());
            if (enumerate) {
                for (String id : engines(engine)) {
                    Path traceDirectory = Files.createTempDirectory("indexgate-trace");
                    List<io.indexgate.harness.campaign.CrashPoints.Point> points;
                    try {
                        points = io.indexgate.harness.campaign.CrashPoints.trace(ChildLauncher.forThisJvm(), id,
                                persistenceMode, traceDirectory);
                    } finally {
                        TempFiles.deleteTree(traceDirectory);
                    }
                    System.out.printf("%s, %s: %d file-system calls in a save%n", id, persistenceMode.cliName(),
                            points.size());
                    points.forEach(point -> System.out.println("  " + point));
                    listed.addAll(io.indexgate.harness.campaign.CrashPoints.scenarios(id, persistenceMode, points,
                            PowerLossModel.NONE));
                    if (FileSystemShim.unavailableReason() != null) {
                        System.out.println("  (no crash points below the JVM: " + FileSystemShim.unavailableReason()
                                + ")");
                        continue;
                    }
                    Path syscallDirectory = Files.createTempDirectory("indexgate-syscall-trace");
                    List<SyscallPoints.Point> calls;
                    try {
                        calls = SyscallPoints.trace(ChildLauncher.forThisJvm(), id, persistenceMode, seed,
                                operations, List.of(), syscallDirectory);
                    } finally {
                        TempFiles.deleteTree(syscallDirectory);
                    }
                    System.out.printf("%s, %s, seed %d: %d file-system calls below the JVM in a save and an "
                            + "acknowledged upsert%n", id, persistenceMode.cliName(), seed, calls.size());
                    calls.forEach(call -> System.out.println("  " + call));
                    listed.addAll(SyscallPoints.scenarios(id, persistenceMode, calls, PowerLossModel.NONE));
                }
            }
            for (Scenario scenario : listed) {
                Map<String, String> expected = new TreeMap<>();
                for (PersistenceMode mode : PersistenceMode.values()) {
                    expected.put(mode.cliName(), scenario.expectation(mode).name().toLowerCase(Locale.ROOT));
                }
                System.out.printf("%-34s %-6s %s%n    strikes: %s%n    expected: %s%n", scenario.name(),
                        scenario.kind().wire(), scenario.description(), scenario.strikes(), expected);
            }
            return VALID;
        }
    }

    @Command(name = "workload", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Run a fault-free seeded workload and shut the store down cleanly.",
            footerHeading = "%nExamples:%n",
            footer = {"  indexgate workload --data-dir /tmp/store --ops 500",
                    "  indexgate workload --data-dir /tmp/store --engine usearch --seed 7"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:every operation succeeded and the engine matched SQLite throughout",
                    "2:an operation failed, the engine disagreed, or the command was misused"})
    static final class Workload implements Callable<Integer> {
        @Option(names = "--data-dir", required = true, description = "the store's data directory (created if new)")
        Path dataDir;
        @Option(names = "--engine", defaultValue = "hnswlib", description = "hnswlib, usearch or exact")
        String engine;
        @Option(names = "--seed", defaultValue = "1", description = "the workload's seed")
        long seed;
        @Option(names = "--ops", defaultValue = "200", description = "operations, at least 1")
        int operations;
        @Spec
        CommandLine.Model.CommandSpec command;

        @Override
        public Integer call() {
            if (operations < 1) {
                throw new CommandLine.ParameterException(command.commandLine(),
                        "--ops: must be at least 1, got " + operations);
            }
            try {
                engines(engine);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new CommandLine.ParameterException(command.commandLine(), "--engine: " + e.getMessage());
            }
            int[] counts = new int[3];
            StoreUnderTest.install(StoreUnderTest.REFERENCE);
            int status = WorkloadMain.run(dataDir, engine, seed, 0, operations, event -> {
                if (event instanceof Event.Invoke) {
                    counts[0]++;
                } else if (event instanceof Event.Fail fail) {
                    counts[1]++;
                    System.err.println("operation " + fail.op() + " failed: " + fail.error());
                } else if (event instanceof Event.Probe probe) {
                    counts[1]++;
                    System.err.println("the engine disagrees with SQLite (" + probe.finding().wire() + "): "
                            + probe.detail());
                } else if (event instanceof Event.Recovered recovered) {
                    counts[2] = recovered.recovery().records().size();
                    if (!recovered.recovery().opened()) {
                        System.err.println("indexgate: cannot open the store in " + dataDir + ": "
                                + recovered.recovery().openError());
                    }
                }
            });
            System.out.printf("workload on %s (%s, seed %d): %d operations, %d failed; %d records at start%n",
                    dataDir, engine, seed, counts[0], counts[1], counts[2]);
            return status == ChildExit.CLEAN.status() && counts[1] == 0 ? VALID : HARNESS_FAILURE;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Re-check a recorded run's history.jsonl.",
            footerHeading = "%nExamples:%n",
            footer = {"  indexgate check --run-dir /tmp/indexgate-work123/halt-after-first-chunk-hnswlib"},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:valid", "1:violations", "2:no history, an empty or a malformed one"})
    static final class Check implements Callable<Integer> {
        @Option(names = "--run-dir", required = true, description = "a run directory holding history.jsonl")
        Path runDir;

        @Override
        public Integer call() throws Exception {
            Path history = Files.isDirectory(runDir) ? runDir.resolve("history.jsonl") : runDir;
            if (!Files.isRegularFile(history)) {
                System.err.println("indexgate: no history at " + history);
                return HARNESS_FAILURE;
            }
            List<Event> events = Histories.read(history);
            if (events.isEmpty()) {
                System.err.println("indexgate: " + history + " holds no events; nothing to check");
                return HARNESS_FAILURE;
            }
            List<Violation> violations = Checker.check(events);
            violations.forEach(v -> System.out.println(v.describe()));
            System.out.printf("%s: %d events, %d violations%n", history, events.size(), violations.size());
            return violations.isEmpty() ? VALID : VIOLATION;
        }
    }
}
