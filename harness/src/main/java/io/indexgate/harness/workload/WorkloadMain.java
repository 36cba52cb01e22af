package io.indexgate.harness.workload;

import io.indexgate.engine.EngineOptions;
import io.indexgate.engine.Engines;
import io.indexgate.engine.SimilarityMetric;
import io.indexgate.engine.VectorSearchEngine;
import io.indexgate.harness.history.Event;
import io.indexgate.harness.history.Histories;
import io.indexgate.harness.history.RecoveryReport;
import io.indexgate.testing.PersistenceMode;
import io.indexgate.persist.StaleTemps;
import io.indexgate.store.CollectionConfig;
import io.indexgate.store.DataDirectoryInUseException;
import io.indexgate.store.ConsistencyReport;
import io.indexgate.store.SQLiteVectorStore;
import io.indexgate.store.StoredRecord;
import io.indexgate.store.StoreOptions;
import io.indexgate.store.VectorCollection;
import io.indexgate.store.VectorQuery;
import io.indexgate.store.VectorRecord;
import io.indexgate.harness.process.TempFiles;
import io.indexgate.harness.powerloss.CrashStates;
import io.indexgate.harness.powerloss.PowerLossFileSystem;
import io.indexgate.harness.powerloss.PowerLossModel;
import io.indexgate.harness.powerloss.FileSystemShim;
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
import java.nio.file.NoSuchFileException;
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

    public static final String NAMESPACE = "harness";
    public static final String COLLECTION = "docs";
    /** Saves are driven by the workload itself (so each one can be announced); the threshold never fires. */
    static final int SAVE_THRESHOLD = 1 << 30;

    private static final PrintStream PROTOCOL = new PrintStream(new FileOutputStream(FileDescriptor.out), true,
            StandardCharsets.UTF_8);

    private WorkloadMain() {
    }

    /**
     * Where the preloaded file-system library journals this process's calls, or null: the workload marks in it
     * which operation the calls that follow belong to.
     */
    private static final String JOURNAL = System.getenv(FileSystemShim.JOURNAL_VARIABLE);

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
                    SyscallJournal.mark(Path.of(JOURNAL), mark);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot mark the file-system journal " + JOURNAL, e);
                }
            }
        }
    }

    public static CollectionConfig config(String engine) {
        return CollectionConfig.of(WorkloadGenerator.DIMENSIONS, SimilarityMetric.COSINE, engine);
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
        Recovery recovery = recover(dataDirectory, indexDirectory, engine);
        sink.accept(new Event.Recovered(cycle, recovery.report(), null));
        if (recovery.store() == null) {
            return ChildExit.STORE_NOT_OPENED.status();
        }
        SQLiteVectorStore store = recovery.store();
        VectorCollection collection = recovery.collection();
        awaitHoldFile();

        WorkloadGenerator generator = new WorkloadGenerator(seed, cycle);
        long firstOp = (long) cycle * 1_000_000;
        for (int i = 0; i < operations; i++) {
            execute(collection, generator.next(), cycle, firstOp + i, sink);
        }
        long closeOp = firstOp + operations;
        sink.accept(new Event.Invoke(cycle, closeOp, Event.Function.SAVE, null,
                Fingerprints.contents(collection.inspect()), null));
        try {
            store.close();
            sink.accept(new Event.Ok(cycle, closeOp, null));
        } catch (RuntimeException e) {
            sink.accept(new Event.Fail(cycle, closeOp, e.toString(), null));
        }
        return ChildExit.CLEAN.status();
    }

    /** An opened store and its collection (both null if the open failed), and what the recovery found. */
    private record Recovery(SQLiteVectorStore store, VectorCollection collection, RecoveryReport report) {
    }

    /** Opens the store in {@code dataDirectory} with its index directory, as a restarted process does. */
    private static Recovery recover(Path dataDirectory, Path indexDirectory, String engine) {
        Path indexPath = indexDirectory.resolve(SQLiteVectorStore.indexFileName(NAMESPACE, COLLECTION, engine));
        List<String> tempsBefore = names(indexPath);
        SQLiteVectorStore store = null;
        try {
            store = SQLiteVectorStore.open(dataDirectory,
                    new StoreOptions(SAVE_THRESHOLD, indexDirectory));
            VectorCollection collection = store.openOrCreateCollection(NAMESPACE, COLLECTION, config(engine));
            return new Recovery(store, collection, report(collection, indexPath, engine, tempsBefore));
        } catch (RuntimeException e) {
            if (store != null) {
                store.abandon();
            }
            return new Recovery(null, null, new RecoveryReport(false, e.toString(), fileFingerprint(indexPath, engine),
                    Map.of(), List.of(), List.of(), tempsBefore, names(indexPath)));
        }
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
        Recovery recovery = recover(dataDirectory, indexDirectory, engine);
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
        SQLiteVectorStore store;
        try {
            // A second opener never journals: the owner's journal is the one that counts.
            PowerLossModel model = inProcessModel(model(), scope()).simulated() ? PowerLossModel.PESSIMISTIC
                    : PowerLossModel.NONE;
            store = SQLiteVectorStore.open(dataDirectory,
                    new StoreOptions(SAVE_THRESHOLD, indexDirectory(dataDirectory, model)));
        } catch (DataDirectoryInUseException e) {
            sink.accept(new Event.Intrusion(cycle, true, e.getMessage(), null));
            return ChildExit.CLEAN.status();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the simulated index directory", e);
        }
        sink.accept(new Event.Intrusion(cycle, false, "a second store opened " + dataDirectory
                + " while its owner held it", null));
        VectorCollection collection = store.openOrCreateCollection(NAMESPACE, COLLECTION, config(engine));
        long firstOp = (long) cycle * 1_000_000 + INTRUDER_OPERATIONS;
        java.util.Random random = new java.util.Random(seed ^ cycle);
        float[] vector = new float[WorkloadGenerator.DIMENSIONS];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = random.nextFloat() + 0.5f;
        }
        java.util.UUID uuid = new java.util.UUID(0x1e7a_de70L, random.nextLong());
        execute(collection, new Operation(Event.Function.UPSERT, List.of(uuid), List.of(vector)), cycle, firstOp, sink);
        execute(collection, new Operation(Event.Function.SAVE, List.of(), List.of()), cycle, firstOp + 1, sink);
        store.close();
        return ChildExit.CLEAN.status();
    }

    /** Operation numbers of an intruder start here within its cycle, clear of the owner's. */
    private static final long INTRUDER_OPERATIONS = 500_000;

    private static void execute(VectorCollection collection, Operation operation, int cycle, long op,
                                Consumer<Event> sink) {
        List<Event.Write> writes = new ArrayList<>();
        String fingerprint = null;
        switch (operation.function()) {
            case UPSERT -> {
                for (int i = 0; i < operation.uuids().size(); i++) {
                    writes.add(new Event.Write(operation.uuids().get(i).toString(),
                            Fingerprints.vector(operation.vectors().get(i))));
                }
            }
            case DELETE -> operation.uuids().forEach(uuid -> writes.add(new Event.Write(uuid.toString(), null)));
            case SAVE -> fingerprint = Fingerprints.contents(collection.inspect());
            default -> {
            }
        }
        sink.accept(new Event.Invoke(cycle, op, operation.function(), writes.isEmpty() ? null : writes, fingerprint,
                null));
        try {
            switch (operation.function()) {
                case UPSERT -> {
                    List<VectorRecord> records = new ArrayList<>();
                    for (int i = 0; i < operation.uuids().size(); i++) {
                        records.add(VectorRecord.of(operation.uuids().get(i), operation.vectors().get(i)));
                    }
                    collection.upsert(records);
                }
                case DELETE -> collection.delete(operation.uuids());
                case SAVE -> collection.saveIndex();
                default -> collection.query(VectorQuery.nearest(operation.vectors().get(0), 5));
            }
            sink.accept(new Event.Ok(cycle, op, null));
            if (operation.function() != Event.Function.QUERY) {
                probe(collection, cycle, sink);
            }
        } catch (Exception e) {
            sink.accept(new Event.Fail(cycle, op, e.toString(), null));
        }
    }

    /**
     * Checks the live engine against SQLite after every completed write and save, and reports what differs: the
     * engine of a running store must be as consistent as a recovered one, and probing it here, not only at restarts,
     * catches an index that drops records on the way (a record unreachable for a few operations heals as easily as
     * it breaks). On the workload's 48 records a probe costs well under a millisecond.
     */
    private static void probe(VectorCollection collection, int cycle, Consumer<Event> sink) {
        ConsistencyReport consistency = collection.checkConsistency();
        if (!consistency.unreachable().isEmpty()) {
            sink.accept(new Event.Probe(cycle, Event.ProbeFinding.UNREACHABLE, consistency.unreachable().toString(),
                    null));
        }
        if (!consistency.contentDifferences(10).isEmpty()) {
            sink.accept(new Event.Probe(cycle, Event.ProbeFinding.DIFFERS, consistency.contentDifferences(10).toString(),
                    null));
        }
    }

    /** Everything the checker needs to know about the recovered store. */
    static RecoveryReport report(VectorCollection collection, Path indexPath, String engine, List<String> tempsBefore) {
        Map<String, String> records = new TreeMap<>();
        for (StoredRecord row : collection.inspect().records()) {
            records.put(row.record().uuid().toString(), Fingerprints.vector(row.record().vector()));
        }
        List<String> notFound;
        List<String> mismatches;
        try {
            ConsistencyReport consistency = collection.checkConsistency();
            notFound = consistency.unreachable().stream().map(UUID::toString).toList();
            mismatches = consistency.contentDifferences(10);
        } catch (RuntimeException e) {
            // A store that opened over an engine it cannot search is as broken as one that lost a record.
            notFound = List.of();
            mismatches = List.of("the consistency check of the recovered engine failed: " + e);
        }
        return new RecoveryReport(true, null, fileFingerprint(indexPath, engine), records, notFound, mismatches,
                tempsBefore, names(indexPath));
    }

    /** The content fingerprint of the index file as it is, read into a separate engine. */
    static String fileFingerprint(Path indexPath, String engine) {
        if (!Files.exists(indexPath)) {
            return RecoveryReport.ABSENT;
        }
        CollectionConfig config = config(engine);
        try (VectorSearchEngine reader = Engines.create(engine,
                EngineOptions.of(config.dimensions(), config.metric()))) {
            reader.load(indexPath);
            return Fingerprints.contents(reader);
        } catch (NoSuchFileException e) {
            return RecoveryReport.ABSENT;
        } catch (Exception e) {
            return RecoveryReport.UNREADABLE + ": " + e;
        }
    }

    private static List<String> names(Path indexPath) {
        try {
            return StaleTemps.find(indexPath).stream().map(path -> path.getFileName().toString()).sorted().toList();
        } catch (Exception e) {
            return List.of("cannot list: " + e);
        }
    }
}
