package io.indexgate.harness.workload;

import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.Histories;
import io.indexgate.harness.history.RecoveryReport;
import io.indexgate.testing.PersistenceMode;
import io.indexgate.harness.process.TempFiles;
import io.indexgate.harness.powerloss.CrashStates;
import io.indexgate.harness.powerloss.PowerLossFileSystem;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.harness.powerloss.FileSystemShim;
import io.indexgate.harness.sut.CommandStore;
import io.indexgate.harness.sut.Consistency;
import io.indexgate.harness.sut.ReferenceStore;
import io.indexgate.harness.sut.SystemUnderTest;
import io.indexgate.harness.powerloss.PowerLossScope;
import io.indexgate.harness.powerloss.SyscallJournal;
import io.indexgate.harness.powerloss.SyscallModel;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The client that runs in a child JVM: it opens the store in a data directory (that is, recovers it), reports what
 * it found, then runs the seeded workload, announcing each operation before it acts and its outcome after, and shuts
 * down cleanly unless a fault stops it first.
 *
 * <p>Arguments: {@code <data dir> <engine> <seed> <cycle> <operations> <mode>}; the mode ({@code atomic}, or a
 * negative control of {@link PersistenceMode}) is installed for the whole JVM before anything else. Protocol lines
 * go to standard output, flushed one by one (see {@link Histories}); the exit status is a {@link ChildExit}.
 */
public final class WorkloadMain {

    public static final String NAMESPACE = ReferenceStore.NAMESPACE;
    public static final String COLLECTION = ReferenceStore.COLLECTION;

    private static final PrintStream PROTOCOL = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private WorkloadMain() {
    }

    /**
     * Where the preloaded file-system library journals this process's calls, or null: the workload marks in it
     * which operation the calls that follow belong to.
     */
    private static final SyscallJournal.Marker JOURNAL = System.getenv(FileSystemShim.JOURNAL_VARIABLE) == null
            ? null : new SyscallJournal.Marker(Path.of(System.getenv(FileSystemShim.JOURNAL_VARIABLE)));

    /** Prints one protocol line and flushes it before returning (and marks an operation's start and end). */
    public static synchronized void emit(Event event) {
        PROTOCOL.println(Histories.toProtocolLine(event));
        PROTOCOL.flush();
        if (JOURNAL != null) {
            String mark = null;
            if (event instanceof Event.Invoke invoke) {
                mark = "invoke " + invoke.op() + " " + invoke.function().name();
            } else if (event instanceof Event.Ok ok) {
                mark = "ok " + ok.op();
            } else if (event instanceof Event.Fail fail) {
                mark = "fail " + fail.op();
            }
            if (mark != null) {
                try {
                    JOURNAL.mark(mark);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot mark the file-system journal", e);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: WorkloadMain <data dir> <engine> <seed> <cycle> <operations> <mode>");
            System.exit(ChildExit.USAGE.status());
        }
        // The harness hands a negative control its weakened save protocol here, as an argument of this program;
        // nothing a production JVM reads (no option, no property) can weaken a save.
        PersistenceMode.install(PersistenceMode.parse(args[5]));
        Path dataDirectory = Path.of(args[0]);
        String engine = args[1];
        long seed = Long.parseLong(args[2]);
        int cycle = Integer.parseInt(args[3]);
        int operations = Integer.parseInt(args[4]);
        if (Boolean.getBoolean("indexgate.child")) {
            haltWhenParentGoes();
        }
        switch (Role.valueOf(System.getProperty(ROLE_PROPERTY, Role.WORKLOAD.name()))) {
            case INTRUDER -> System.exit(intrude(dataDirectory, engine, seed, cycle, WorkloadMain::emit));
            case EXPLORER -> {
                exploreLastCut(dataDirectory, engine, seed, cycle, WorkloadMain::emit);
                System.exit(ChildExit.CLEAN.status());
            }
            default -> System.exit(run(dataDirectory, engine, seed, cycle, operations, WorkloadMain::emit));
        }
    }

    /** What a child is; the system property {@value #ROLE_PROPERTY} names it (default {@link Role#WORKLOAD}). */
    public enum Role {
        /** Recovers the store, runs the workload, shuts down. */
        WORKLOAD,
        /** Tries to open a data directory another child owns (see {@link #intrude}). */
        INTRUDER,
        /**
         * Under the reordering model, recovers and reports every crash state of the last cut and installs the one
         * the run goes on from (see {@link #exploreLastCut}); it runs without the scenario's rules.
         */
        EXPLORER
    }

    /** The system property that names a child's {@link Role}. */
    public static final String ROLE_PROPERTY = "indexgate.role";

    /**
     * A file: once the child has recovered and reported it, it waits until this file exists before running its
     * operations, so that the parent can act while the child is known to own the data directory.
     */
    public static final String HOLD_PROPERTY = "indexgate.hold";

    /** How long a held child waits for its hold file before going on regardless. */
    private static final long HOLD_TIMEOUT_MILLIS = 60_000;

    /** The power-loss model of a child ({@link PowerLossModel#cliName()}; absent: none). */
    public static final String POWER_LOSS_PROPERTY = "indexgate.powerloss";

    /** How many crash states a child explores per cut under the reordering model (default {@value CrashStates#DEFAULT_LIMIT}). */
    public static final String CRASH_STATES_PROPERTY = "indexgate.crash-states";

    /** Which files a simulated power loss reaches ({@link PowerLossScope#cliName()}; absent: all). */
    public static final String POWER_LOSS_SCOPE_PROPERTY = "indexgate.powerloss.scope";

    /** The durable state of the simulated index directory, inside the data directory (scope {@code index}). */
    public static final String DURABLE = "durable";

    static PowerLossModel model() {
        return PowerLossModel.parse(System.getProperty(POWER_LOSS_PROPERTY, "none"));
    }

    static PowerLossScope scope() {
        return PowerLossScope.parse(System.getProperty(POWER_LOSS_SCOPE_PROPERTY, PowerLossScope.ALL.cliName()));
    }

    /**
     * The model this process simulates itself: {@code model} when the power loss reaches the index directory only
     * (this process then puts it on a {@link PowerLossFileSystem}), else {@link PowerLossModel#NONE} (under scope
     * {@code all} the harness models every file from the journal of the preloaded library, and this process works
     * on the real directory).
     */
    public static PowerLossModel inProcessModel(PowerLossModel model, PowerLossScope scope) {
        return scope == PowerLossScope.INDEX ? model : PowerLossModel.NONE;
    }

    /**
     * Where the durable state of a data directory's power-loss simulation is kept: {@code <data dir>/durable} for the
     * index directory alone (scope {@code index}), {@code <data dir>.durable} beside it for every file (scope
     * {@code all}: the data directory itself is the volatile view then).
     */
    public static Path durableDirectory(Path dataDirectory, PowerLossScope scope) {
        return scope == PowerLossScope.INDEX ? dataDirectory.resolve(DURABLE)
                : dataDirectory.resolveSibling(dataDirectory.getFileName() + ".durable");
    }

    /**
     * The index directory of a child's data directory: {@code <data dir>/indexes}, or under a model simulated in
     * process the same directory on a {@link PowerLossFileSystem} whose durable state is {@code <data dir>/durable},
     * so that this process sees only what survived the last (simulated) power cut.
     */
    public static Path indexDirectory(Path dataDirectory, PowerLossModel model) throws IOException {
        if (!model.simulated()) {
            return dataDirectory.resolve("indexes");
        }
        return PowerLossFileSystem.open(dataDirectory.resolve(DURABLE), model).getPath("/indexes");
    }

    /** A child's standard input is a pipe from the harness: when it closes, the harness is gone, and so must we. */
    private static void haltWhenParentGoes() {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    continue;
                }
            } catch (java.io.IOException e) {
                // the pipe broke: the parent is gone all the same
            }
            Runtime.getRuntime().halt(ChildExit.HALTED.status());
        }, "indexgate-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * Recovers the store, reports it, runs {@code operations} operations and shuts down cleanly.
     *
     * @param sink receives every event, in order, before the next action
     * @return 0, or 3 if the store could not be opened
     */
    public static int run(Path dataDirectory, String engine, long seed, int cycle, int operations,
                          Consumer<Event> sink) {
        PowerLossModel model = inProcessModel(model(), scope());
        Path indexDirectory;
        try {
            if (model == PowerLossModel.REORDER) {
                // The explorer child has reported and settled the cut; if it could not (it was killed), the cut is
                // settled here on a seeded state, unexplored, so that this process's journal starts empty.
                CrashStates.settle(dataDirectory.resolve(DURABLE), seed * 1_000_003L + cycle);
            }
            indexDirectory = indexDirectory(dataDirectory, model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the simulated index directory", e);
        }
        SystemUnderTest.OpenSpec openSpec = new SystemUnderTest.OpenSpec(dataDirectory, WorkloadGenerator.DIMENSIONS,
                engine, indexDirectory);
        Recovery recovery = recover(openSpec);
        sink.accept(new Event.Recovered(cycle, recovery.report(), null));
        if (recovery.store() == null) {
            return ChildExit.STORE_NOT_OPENED.status();
        }
        SystemUnderTest store = recovery.store();
        awaitHoldFile();

        WorkloadGenerator generator = new WorkloadGenerator(seed, cycle);
        long firstOp = (long) cycle * 1_000_000;
        for (int i = 0; i < operations; i++) {
            execute(store, openSpec, generator.next(), cycle, firstOp + i, sink);
        }
        long closeOp = firstOp + operations;
        sink.accept(new Event.Invoke(cycle, closeOp, Event.Function.SAVE, null, liveFingerprint(store), null));
        try {
            store.close();
            sink.accept(new Event.Ok(cycle, closeOp, null));
        } catch (Exception e) {
            sink.accept(new Event.Fail(cycle, closeOp, e.toString(), null));
        }
        return ChildExit.CLEAN.status();
    }

    /** The store under test of this child: {@value #SUT_PROPERTY} names its class; the reference by default. */
    static SystemUnderTest newStore() {
        String command = System.getProperty(SUT_COMMAND_PROPERTY);
        if (command != null) {
            return new CommandStore(command);
        }
        String name = System.getProperty(SUT_PROPERTY);
        if (name == null) {
            return new ReferenceStore();
        }
        try {
            return (SystemUnderTest) Class.forName(name).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("the store under test " + name + " is not a public class with a public "
                    + "no-argument constructor that implements " + SystemUnderTest.class.getName(), e);
        }
    }

    /** The system property naming the class of the store under test (absent: the reference). */
    public static final String SUT_PROPERTY = "indexgate.sut";
    /** The system property holding the command line of a store under test that speaks the JSON-lines protocol. */
    public static final String SUT_COMMAND_PROPERTY = "indexgate.sut.command";

    /** The live fingerprint of a save about to run, or why it could not be taken (never a valid fingerprint). */
    private static String liveFingerprint(SystemUnderTest store) {
        try {
            return store.liveFingerprint();
        } catch (Exception e) {
            return "no fingerprint: " + e;
        }
    }

    /** An opened store (null if the open failed), and what the recovery found. */
    private record Recovery(SystemUnderTest store, RecoveryReport report) {
    }

    /** Opens the store of {@code spec}, as a restarted process does, and reports what it found. */
    private static Recovery recover(SystemUnderTest.OpenSpec spec) {
        SystemUnderTest store = newStore();
        List<String> tempsBefore = store.staleTemps(spec);
        try {
            store.open(spec);
        } catch (Exception e) {
            String error = store.isIndexRefusal(e) && !e.toString().contains("IndexLoadError")
                    ? "IndexLoadError (the store refused its index): " + e : e.toString();
            RecoveryReport refused = new RecoveryReport(false, error, store.persistedFingerprint(spec), Map.of(),
                    List.of(), List.of(), tempsBefore, store.staleTemps(spec));
            store.abandon();
            return new Recovery(null, refused);
        }
        return new Recovery(store, report(store, spec, tempsBefore));
    }

    /**
     * Under the reordering model: recovers every crash state the last cut allows (see {@link CrashStates}) in a
     * scratch copy of the data directory, reports each as a {@link Event#CRASH_STATE}, then installs one of them,
     * drawn from the seed and cycle, as the durable state this process goes on from. Nothing happens if the cut left
     * no pending operation.
     */
    static void exploreLastCut(Path dataDirectory, String engine, long seed, int cycle, Consumer<Event> sink)
            throws IOException {
        PowerLossScope scope = scope();
        Path durable = durableDirectory(dataDirectory, scope);
        CrashStates.Exploration exploration = CrashStates.enumerate(durable,
                Integer.getInteger(CRASH_STATES_PROPERTY, CrashStates.DEFAULT_LIMIT));
        if (exploration.pending() == 0) {
            return;
        }
        System.err.println("indexgate: the cut before cycle " + cycle + " left " + exploration.summary());
        List<CrashStates.CrashState> states = exploration.states();
        for (CrashStates.CrashState state : states) {
            sink.accept(new Event.CrashState(cycle, state.number() + "/" + states.size()
                    + (exploration.capped() ? " of a cut whose enumeration the limit cut short" : "") + " ("
                    + state.description() + ")", scope == PowerLossScope.INDEX
                    ? recoverCopy(dataDirectory, durable, state, engine)
                    : recoverState(dataDirectory, durable, state, engine), null));
        }
        CrashStates.CrashState chosen = states.get(new SplittableRandom(seed * 1_000_003L + cycle)
                .nextInt(states.size()));
        CrashStates.install(chosen, durable);
        System.err.println("indexgate: going on from crash state " + chosen.number() + ": " + chosen.description());
    }

    /** Recovers one crash state in a scratch copy of the data directory (SQLite's files and the state), then deletes it. */
    private static RecoveryReport recoverCopy(Path dataDirectory, Path durable, CrashStates.CrashState state,
                                              String engine) throws IOException {
        Path scratch = dataDirectory.resolveSibling(dataDirectory.getFileName() + "-crash-state");
        TempFiles.deleteTree(scratch);
        Files.createDirectories(scratch);
        try {
            try (Stream<Path> files = Files.list(dataDirectory)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, scratch.resolve(file.getFileName()));
                }
            }
            CrashStates.writeTo(state, durable, scratch.resolve(DURABLE));
            try (PowerLossFileSystem fileSystem = PowerLossFileSystem.open(scratch.resolve(DURABLE))) {
                return recoverAndAbandon(scratch, fileSystem.getPath("/indexes"), engine);
            }
        } finally {
            TempFiles.deleteTree(scratch);
        }
    }

    /**
     * Recovers one crash state of the whole data directory (scope {@code all}): the state written out as a scratch
     * directory of its own, opened, reported, then deleted.
     */
    private static RecoveryReport recoverState(Path dataDirectory, Path durable, CrashStates.CrashState state,
                                               String engine) throws IOException {
        Path scratch = dataDirectory.resolveSibling(dataDirectory.getFileName() + "-crash-state");
        try {
            SyscallModel.materialize(state, durable, scratch);
            return recoverAndAbandon(scratch, scratch.resolve("indexes"), engine);
        } finally {
            TempFiles.deleteTree(scratch);
        }
    }

    /** Recovers a scratch copy, reports what it found, and releases it without saving. */
    private static RecoveryReport recoverAndAbandon(Path dataDirectory, Path indexDirectory, String engine) {
        Recovery recovery = recover(new SystemUnderTest.OpenSpec(dataDirectory, WorkloadGenerator.DIMENSIONS, engine,
                indexDirectory));
        if (recovery.store() != null) {
            recovery.store().abandon();
        }
        return recovery.report();
    }

    private static void awaitHoldFile() {
        String hold = System.getProperty(HOLD_PROPERTY);
        if (hold == null) {
            return;
        }
        long deadline = System.currentTimeMillis() + HOLD_TIMEOUT_MILLIS;
        while (!Files.exists(Path.of(hold)) && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The second opener: tries to open a data directory that another child owns and reports the outcome as an
     * {@link Event#INTRUSION}. A refusal is the right answer. If the open succeeds (the owner lock is broken), it does
     * what a second writer would: an upsert of a record of its own and a save, both announced like the workload's,
     * then a clean shutdown; the checker flags the intrusion, and the owner's next saves lose the upsert.
     *
     * @return 0
     */
    static int intrude(Path dataDirectory, String engine, long seed, int cycle, Consumer<Event> sink) {
        SystemUnderTest store = newStore();
        SystemUnderTest.OpenSpec openSpec;
        try {
            // A second opener never journals: the owner's journal is the one that counts.
            PowerLossModel model = inProcessModel(model(), scope()).simulated() ? PowerLossModel.PESSIMISTIC
                    : PowerLossModel.NONE;
            openSpec = new SystemUnderTest.OpenSpec(dataDirectory, WorkloadGenerator.DIMENSIONS, engine,
                    indexDirectory(dataDirectory, model));
            store.open(openSpec);
        } catch (Exception e) {
            store.abandon();
            if (store.isOwnerRefusal(e)) {
                sink.accept(new Event.Intrusion(cycle, true, e.getMessage(), null));
                return ChildExit.CLEAN.status();
            }
            throw new IllegalStateException("the second opener failed otherwise than by a refusal", e);
        }
        sink.accept(new Event.Intrusion(cycle, false, "a second store opened " + dataDirectory
                + " while its owner held it", null));
        long firstOp = (long) cycle * 1_000_000 + INTRUDER_OPERATIONS;
        java.util.Random random = new java.util.Random(seed ^ cycle);
        float[] vector = new float[WorkloadGenerator.DIMENSIONS];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = random.nextFloat() + 0.5f;
        }
        java.util.UUID uuid = new java.util.UUID(0x1e7a_de70L, random.nextLong());
        execute(store, openSpec, new Operation(Event.Function.UPSERT, List.of(uuid), List.of(vector)), cycle, firstOp,
                sink);
        execute(store, openSpec, new Operation(Event.Function.SAVE, List.of(), List.of()), cycle, firstOp + 1, sink);
        try {
            store.close();
        } catch (Exception e) {
            throw new IllegalStateException("the second opener could not close", e);
        }
        return ChildExit.CLEAN.status();
    }

    /** Operation numbers of an intruder start here within its cycle, clear of the owner's. */
    private static final long INTRUDER_OPERATIONS = 500_000;

    private static void execute(SystemUnderTest store, SystemUnderTest.OpenSpec spec, Operation operation, int cycle,
                                long op, Consumer<Event> sink) {
        List<Event.Write> writes = new ArrayList<>();
        String fingerprint = null;
        List<String> tempsBeforeSave = operation.function() == Event.Function.SAVE ? store.staleTemps(spec) : List.of();
        switch (operation.function()) {
            case UPSERT -> {
                for (int i = 0; i < operation.uuids().size(); i++) {
                    writes.add(new Event.Write(operation.uuids().get(i).toString(),
                            Fingerprints.vector(operation.vectors().get(i))));
                }
            }
            case DELETE -> operation.uuids().forEach(uuid -> writes.add(new Event.Write(uuid.toString(), null)));
            case SAVE -> fingerprint = liveFingerprint(store);
            default -> {
            }
        }
        sink.accept(new Event.Invoke(cycle, op, operation.function(), writes.isEmpty() ? null : writes, fingerprint,
                null));
        try {
            switch (operation.function()) {
                case UPSERT -> store.upsert(operation.uuids(), operation.vectors());
                case DELETE -> store.delete(operation.uuids());
                case SAVE -> store.save();
                default -> store.query(operation.vectors().get(0), 5);
            }
            sink.accept(new Event.Ok(cycle, op, null));
            if (operation.function() != Event.Function.QUERY) {
                probe(store, cycle, sink);
            }
        } catch (Exception e) {
            sink.accept(new Event.Fail(cycle, op, e.toString(), null));
            if (operation.function() == Event.Function.SAVE) {
                tempsAfterAFailedSave(store, spec, tempsBeforeSave, e, cycle, sink);
            }
        }
    }

    /**
     * Rule 5 in the running store: a failed save removes its temp, unless removing it failed too, which the reference
     * says in the failure ({@value #COULD_NOT_DELETE}; the next load clears it). Temps present before the save are
     * not its own. Before this check, a save path that left its temp behind on every failure passed every campaign,
     * though on a full disk each failed save then kept the space the next one needed.
     */
    private static void tempsAfterAFailedSave(SystemUnderTest store, SystemUnderTest.OpenSpec spec,
                                              List<String> before, Exception failure, int cycle,
                                              Consumer<Event> sink) {
        List<String> left = new ArrayList<>(store.staleTemps(spec));
        left.removeAll(before);
        if (!left.isEmpty() && !saysItCouldNotDelete(failure)) {
            sink.accept(new Event.Probe(cycle, Event.ProbeFinding.TEMPS_LEFT, "it left " + left + " behind: "
                    + failure, null));
        }
    }

    /** What the reference's failure says when it could not delete its temp either. */
    static final String COULD_NOT_DELETE = "could not delete temp";

    private static boolean saysItCouldNotDelete(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (String.valueOf(cause.getMessage()).contains(COULD_NOT_DELETE)) {
                return true;
            }
            for (Throwable suppressed : cause.getSuppressed()) {
                if (saysItCouldNotDelete(suppressed)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Checks the live index against the records after every completed write and save, and reports what differs: the
     * index of a running store must be as consistent as a recovered one, and probing it here, not only at restarts,
     * catches an index that drops records on the way (a record unreachable for a few operations heals as easily as
     * it breaks). On the workload's 48 records a probe of the reference costs well under a millisecond.
     */
    private static void probe(SystemUnderTest store, int cycle, Consumer<Event> sink) {
        Consistency consistency;
        try {
            consistency = store.consistency();
        } catch (Exception e) {
            sink.accept(new Event.Probe(cycle, Event.ProbeFinding.DIFFERS, "the consistency check failed: " + e,
                    null));
            return;
        }
        if (!consistency.unreachable().isEmpty()) {
            sink.accept(new Event.Probe(cycle, Event.ProbeFinding.UNREACHABLE, consistency.unreachable().toString(),
                    null));
        }
        if (!consistency.differences().isEmpty()) {
            sink.accept(new Event.Probe(cycle, Event.ProbeFinding.DIFFERS, consistency.differences().toString(),
                    null));
        }
    }

    /** Everything the checker needs to know about the recovered store. */
    static RecoveryReport report(SystemUnderTest store, SystemUnderTest.OpenSpec spec, List<String> tempsBefore) {
        Map<String, String> records = new TreeMap<>();
        List<String> notFound;
        List<String> mismatches;
        try {
            store.records().forEach((uuid, vector) -> records.put(uuid.toString(), Fingerprints.vector(vector)));
            Consistency consistency = store.consistency();
            notFound = consistency.unreachable().stream().map(UUID::toString).toList();
            mismatches = consistency.differences();
        } catch (Exception e) {
            // A store that opened over an index it cannot search is as broken as one that lost a record.
            notFound = List.of();
            mismatches = List.of("the consistency check of the recovered store failed: " + e);
        }
        return new RecoveryReport(true, null, store.persistedFingerprint(spec), records, notFound, mismatches,
                tempsBefore, store.staleTemps(spec));
    }
}
